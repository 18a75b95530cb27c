// Scenario files: what parses into which steps, how a bad file is named by
// file, line and field, and the partial matcher the expectations use.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText, matchPartial } from '../../src/scenario/match.js';
import { stepName } from '../../src/scenario/runner.js';
import { loadScenario, parseScenario, ScenarioError } from '../../src/scenario/schema.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

function failure(text: string): string {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('parseScenario accepted a bad file');
}

describe('a scenario file', () => {
  it('parses every kind of step, with defaults and the line each starts on', () => {
    const s = parseScenario(
      lines(
        'description: all kinds',
        'steps:',
        '  - run: ndctl list -B',
        '  - name: arm',
        '    run: echo armed',
        '    timeout: 5',
        '    expect: { exit: 1, stdout: armed, stderr: { contains: [a, b], matches: "^x$", empty: false } }',
        '  - inject: { kind: busy, bus: ndbus0, ms: 5000 }',
        '  - clear: all',
        '  - advance: 1500',
        '  - report: { clock: { now: 1500 } }',
      ),
      'ok.yaml',
    );
    expect(s).toMatchObject({ description: 'all kinds', topology: 'nfit_test', clock: 'virtual', namespace: true, timeout: 60, file: 'ok.yaml' });
    expect(s.steps).toEqual([
      { action: 'run', run: 'ndctl list -B', expect: { exit: 0 }, line: 3, name: undefined, timeout: undefined },
      { action: 'run', name: 'arm', run: 'echo armed', timeout: 5, line: 4, expect: { exit: 1, stdout: { equals: 'armed' }, stderr: { contains: ['a', 'b'], matches: '^x$', empty: false } } },
      { action: 'inject', inject: { kind: 'busy', bus: 'ndbus0', ms: 5000 }, line: 8, name: undefined },
      { action: 'clear', clear: 'all', line: 9, name: undefined },
      { action: 'advance', advance: 1500, line: 10, name: undefined },
      { action: 'report', report: { clock: { now: 1500 } }, line: 11, name: undefined },
    ]);
    expect(s.steps.map(stepName)).toEqual(['ndctl list -B', 'arm', 'inject busy bus=ndbus0 ms=5000', 'clear all', 'advance 1500 ms', 'report']);
  });

  it.each([
    ['a step with no action', ['  - name: nothing'], /^bad\.yaml:4:5: steps\.0: a step needs one of run, inject, clear, advance, report$/],
    ['a step with two actions', ['  - run: true', '    advance: 5'], /^bad\.yaml:5:14: steps\.0\.advance: a step does one thing: run and advance given$/],
    ['an unknown key', ['  - run: true', '    expected: { exit: 1 }'], /^bad\.yaml:5:5: steps\.0\.expected: Unrecognized key: "expected"$/],
    ['expect on a step that is not a run', ['  - clear: all', '    expect: { exit: 0 }'], /^bad\.yaml:5:13: steps\.0\.expect: only a run step has expect$/],
    ['a wrong exit type', ['  - run: "true"', '    expect: { exit: "zero" }'], /^bad\.yaml:5:21: steps\.0\.expect\.exit: .*expected number/],
    ['a bad regular expression', ['  - run: "true"', '    expect: { stdout: { matches: "(" } }'], /^bad\.yaml:5:34: steps\.0\.expect\.stdout\.matches: not a valid regular expression$/],
    ['an empty text expectation', ['  - run: "true"', '    expect: { stdout: {} }'], /^bad\.yaml:5:23: steps\.0\.expect\.stdout: give at least one of equals, contains, matches, json, empty$/],
    ['a text expectation of the wrong type', ['  - run: "true"', '    expect: { stderr: 7 }'], /^bad\.yaml:5:23: steps\.0\.expect\.stderr: expected the exact text, or an object with equals/],
    ['a fault of an unknown kind', ['  - inject: { kind: fire, dimm: nmem0 }'], /^bad\.yaml:4:21: steps\.0\.inject\.kind: /],
    ['a fault on a bad device', ['  - inject: { kind: result, dimm: ndbus0, result: fail }'], /^bad\.yaml:4:35: steps\.0\.inject\.dimm: expected a DIMM name like nmem0$/],
    ['a clear of something that is not a device', ['  - clear: everything'], /^bad\.yaml:4:12: steps\.0\.clear: expected all, or a device like nmem0 or ndbus0$/],
    ['an unknown report section', ['  - report: { bus: [] }'], /^bad\.yaml:4:15: steps\.0\.report\.bus: Unrecognized key: "bus"$/],
  ])('names file, line and field of %s', (_what, stepLines, message) => {
    expect(failure(lines('description: bad', 'clock: virtual', 'steps:', ...stepLines))).toMatch(message);
  });

  it('takes a YAML boolean or number as a command: run: true is the command true', () => {
    const s = parseScenario(lines('description: x', 'steps:', '  - run: true', '  - run: 1'), 'ok.yaml');
    expect(s.steps.map((st) => (st.action === 'run' ? st.run : undefined))).toEqual(['true', '1']);
  });

  it('refuses advance on a real clock before anything starts', () => {
    expect(failure(lines('description: bad', 'clock: real', 'steps:', '  - advance: 10'))).toBe('bad.yaml:4:14: steps.0.advance: advance needs clock: virtual');
  });

  it('refuses a file without description or steps, and invalid YAML', () => {
    expect(failure(lines('steps:', '  - run: "true"'))).toMatch(/^bad\.yaml:1:1: description: /);
    expect(failure(lines('description: x', 'steps: []'))).toMatch(/^bad\.yaml:2:8: steps: a scenario needs at least one step$/);
    expect(failure(lines('description: x', 'steps:', '  - run: [unclosed'))).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: /);
    expect(failure(lines('description: x', 'clock: sundial', 'steps:', '  - run: "true"'))).toMatch(/^bad\.yaml:2:8: clock: /);
  });

  describe('its topology', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ndsim-scenario-unit-'));
      await writeFile(join(dir, 'broken.yaml'), 'description: x\nbuses:\n  - provider: 7\n');
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('is a built-in name, or a file relative to the scenario; a bad one is a bad scenario', async () => {
      const file = join(dir, 'builtin.yaml');
      await writeFile(file, lines('description: x', 'topology: qemu-nfit', 'steps:', '  - run: "true"'));
      expect((await loadScenario(file)).topologyFile).toBe('qemu-nfit');

      const rel = join(dir, 'rel.yaml');
      await writeFile(rel, lines('description: x', 'topology: broken.yaml', 'steps:', '  - run: "true"'));
      const err = await loadScenario(rel).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScenarioError);
      // The scenario's topology field, then the topology file's own line and field.
      expect((err as Error).message).toMatch(new RegExp(`^${rel}:2:11: topology: ${join(dir, 'broken.yaml')}:3:\\d+: buses\\.0\\.provider: `));

      const missing = join(dir, 'missing.yaml');
      await writeFile(missing, lines('description: x', 'topology: nowhere', 'steps:', '  - run: "true"'));
      await expect(loadScenario(missing)).rejects.toThrow(/^.*missing\.yaml:2:11: topology: unknown topology/);
      await expect(loadScenario(join(dir, 'absent.yaml'))).rejects.toThrow(ScenarioError);
    });
  });
});

describe('the partial matcher', () => {
  const actual = {
    clock: { kind: 'virtual', now: 1500 },
    buses: [
      { name: 'ndbus1', activation: null },
      { name: 'ndbus0', activation: { history: [{ statusName: 'success', results: { nmem0: 'success', nmem1: 'fail' } }] } },
    ],
  };

  it('accepts any subset of keys, and arrays element by element for the elements given', () => {
    expect(matchPartial({}, actual)).toBeNull();
    expect(matchPartial({ clock: { now: 1500 } }, actual)).toBeNull();
    expect(matchPartial({ buses: [{ name: 'ndbus1' }] }, actual)).toBeNull();
    expect(matchPartial({ buses: [{}, { activation: { history: [{ results: { nmem1: 'fail' } }] } }] }, actual)).toBeNull();
    expect(matchPartial({ buses: [{ activation: null }] }, actual)).toBeNull();
  });

  it('names the path, what was expected and what was there', () => {
    expect(matchPartial({ clock: { now: 2000 } }, actual, 'report')).toEqual({ where: 'report.clock.now', message: 'expected 2000, got 1500', expected: 2000, actual: 1500 });
    expect(matchPartial({ buses: [{}, { activation: { history: [{ results: { nmem1: 'success' } }] } }] }, actual, 'report')).toMatchObject({
      where: 'report.buses[1].activation.history[0].results.nmem1',
      message: 'expected "success", got "fail"',
    });
    expect(matchPartial({ clock: { tz: 'UTC' } }, actual)).toMatchObject({ where: '$.clock.tz', message: 'missing (expected "UTC")' });
    expect(matchPartial({ buses: [{}, {}, {}] }, actual)).toMatchObject({ where: '$.buses', message: 'expected at least 3 element(s), got 2' });
    expect(matchPartial({ clock: [1] }, actual)).toMatchObject({ where: '$.clock', message: 'expected an array, got {"kind":"virtual","now":1500}' });
    expect(matchPartial({ clock: { now: { n: 1 } } }, actual)).toMatchObject({ where: '$.clock.now', message: 'expected an object, got 1500' });
    expect(matchPartial({ 'a-b': 1 }, { 'a-b': 2 })).toMatchObject({ where: '$["a-b"]' });
    // Types are not coerced: YAML 1 is not JSON "1".
    expect(matchPartial({ n: 1 }, { n: '1' })).not.toBeNull();
  });

  it('matches { some: P } against any element', () => {
    expect(matchPartial({ buses: { some: { name: 'ndbus0', activation: { history: { some: { statusName: 'success' } } } } } }, actual)).toBeNull();
    expect(matchPartial({ buses: { some: { name: 'ndbus7' } } }, actual, 'report')).toMatchObject({
      where: 'report.buses',
      message: 'none of the 2 element(s) matches {"name":"ndbus7"}; nearest: report.buses[0].name: expected "ndbus7", got "ndbus1"',
    });
    // Why nothing matched: the element that matched furthest.
    expect(matchPartial({ buses: { some: { name: 'ndbus0', activation: { history: { some: { statusName: 'busy' } } } } } }, actual, 'report')?.message).toMatch(
      /; nearest: report\.buses\[1\]\.activation\.history: none of the 1 element\(s\) matches \{"statusName":"busy"\}; nearest: report\.buses\[1\]\.activation\.history\[0\]\.statusName: expected "busy", got "success"$/,
    );
    expect(matchPartial({ some: 1 }, [])?.message).toBe('none of the 0 element(s) matches 1');
    expect(matchPartial({ clock: { some: {} } }, actual)).toMatchObject({ where: '$.clock', message: expect.stringMatching(/^expected an array with some element/) });
    // Beside other keys, "some" is an ordinary key.
    expect(matchPartial({ some: 1, other: 2 }, { some: 1, other: 2 })).toBeNull();
  });
});

describe('text expectations', () => {
  it('compares exact text ignoring trailing newlines', () => {
    expect(checkText({ equals: 'armed' }, 'armed\n', 'stdout')).toEqual([]);
    expect(checkText({ equals: 'armed\n' }, 'armed', 'stdout')).toEqual([]);
    expect(checkText({ equals: 'armed' }, 'idle\n', 'stdout')).toMatchObject([{ where: 'stdout', message: 'line 1: expected "armed", got "idle"' }]);
  });

  it('checks contains (one or all of a list), matches (multi-line), empty', () => {
    expect(checkText({ contains: ['quiesce', 'armed'], matches: '^armed$' }, 'quiesce\narmed\n', 'stdout')).toEqual([]);
    expect(checkText({ contains: ['quiesce', 'idle'] }, 'quiesce\n', 'stdout')).toMatchObject([{ message: 'does not contain "idle"' }]);
    expect(checkText({ matches: '^busy$' }, 'idle\n', 'stderr')).toMatchObject([{ where: 'stderr', message: 'does not match /^busy$/m' }]);
    expect(checkText({ empty: true }, '', 'stderr')).toEqual([]);
    expect(checkText({ empty: true }, 'oops\n', 'stderr')).toMatchObject([{ message: 'expected no output' }]);
    expect(checkText({ empty: false }, '', 'stdout')).toMatchObject([{ message: 'expected some output, got none' }]);
  });

  it('reports every check that failed, not only the first', () => {
    expect(checkText({ empty: true, contains: 'x', matches: 'y' }, 'z', 'stdout').map((m) => m.message)).toEqual(['expected no output', 'does not contain "x"', 'does not match /y/m']);
  });

  it('parses JSON output and matches it partially', () => {
    const out = JSON.stringify([{ dev: 'ndbus0', dimms: [{ dev: 'nmem1' }, { dev: 'nmem0', firmware: { can_update: true } }] }]);
    expect(checkText({ json: [{ dimms: { some: { dev: 'nmem0', firmware: { can_update: true } } } }] }, out, 'stdout')).toEqual([]);
    expect(checkText({ json: [{ dimms: [{ dev: 'nmem0' }] }] }, out, 'stdout')).toMatchObject([{ where: 'stdout[0].dimms[0].dev', message: 'expected "nmem0", got "nmem1"' }]);
    expect(checkText({ json: {} }, 'not json', 'stdout')).toMatchObject([{ where: 'stdout', message: expect.stringMatching(/^is not JSON: /) }]);
  });
});
