// `ndsim scenario FILE` as a CI job runs it: a passing scenario, a failing
// one (TAP lines, exit codes, --keep-going, --json), a bad file, a command
// that outlives its timeout, and every scenario shipped under
// topologies/scenarios/. Each run gets a private TMPDIR, so that whatever
// it leaves behind (a mount, a scratch directory) is seen and nothing
// another test does is mistaken for it.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../integration/daemon-harness.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { runProcess, type Outcome } from './sandbox.js';

const CLI = join(REPO, 'bin/ndsim.js');
const SHIPPED_DIR = join(REPO, 'topologies/scenarios');

/** Every YAML file under topologies/scenarios/ that is a scenario (has steps), not a topology. */
function shippedScenarios(): string[] {
  let files: string[];
  try {
    files = readdirSync(SHIPPED_DIR, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(SHIPPED_DIR, f))
    .filter((f) => {
      const doc: unknown = parse(readFileSync(f, 'utf8'), { merge: true, maxAliasCount: -1 });
      return typeof doc === 'object' && doc !== null && 'steps' in doc;
    })
    .sort();
}

/** Whether a process exists and is not a zombie (an init that does not reap leaves zombies behind). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // pid (comm) STATE ...: comm may hold spaces, the state follows its closing parenthesis.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
}

const PASSING = `
description: firmware update and activation of nmem0, a busy bus, the report
topology: nfit_test-instant-verify.yaml
steps:
  - name: the boot scrub ends
    advance: 1000
  - name: a firmware image in the scratch directory
    run: head -c 65536 /dev/zero > "$WORK/fw.img" && test -f "$SCENARIO_DIR/nfit_test-instant-verify.yaml" && pwd
    expect: { stdout: { matches: "ndsim-scenario-" } }
  - name: stage and arm nmem0
    run: ndctl update-firmware -f "$WORK/fw.img" nmem0
    expect:
      stdout: { json: [ { dev: nmem0, firmware: { activate_state: armed } } ] }
      stderr: { contains: updated 1 nmem }
  - run: cat /sys/bus/nd/devices/nmem0/firmware/activate /sys/bus/nd/devices/ndbus0/firmware/activate
    expect: { stdout: "armed\\narmed", stderr: { empty: true } }
  - name: activate
    run: ndctl activate-firmware ndbus0
    expect: { stdout: { json: [ { dev: ndbus0, dimms: { some: { dev: nmem0, firmware: { activate_state: busy } } } } ] } }
  - name: the busy window after an activation ends
    advance: 3001
  - run: cat /sys/bus/nd/devices/ndbus0/firmware/activate
    expect: { stdout: idle }
  - report:
      clock: { kind: virtual, now: 4001 }
      buses: { some: { name: ndbus0, activation: { history: [ { results: { nmem0: success } } ] } } }
  - name: hold the bus busy
    inject: { kind: busy, bus: ndbus0, ms: 5000 }
  - run: ndsim report --json
    expect: { stdout: { json: { buses: { some: { name: ndbus0, activation: { busyHeld: true } } } } } }
  - advance: 5001
  - clear: all
  - report: { buses: [ { activation: { busyHeld: false } } ] }
`;

const FAILING = `
description: a scenario that fails at its second step
namespace: false
steps:
  - name: list the buses
    run: ndctl list -B
  - name: nmem0 is armed
    run: cat /sys/bus/nd/devices/nmem0/firmware/activate
    expect: { stdout: armed }
  - name: still here
    run: echo "step 3 ran"
    expect: { stdout: { contains: step 3 } }
`;

describe('ndsim scenario', () => {
  let scratch: string;
  let tmp: string;
  const ndsim = (args: string[]): Promise<Outcome> => runProcess(process.execPath, [CLI, 'scenario', ...args], { ...process.env, TMPDIR: tmp });
  const write = async (name: string, text: string) => {
    const file = join(scratch, name);
    await writeFile(file, text);
    return file;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ndsim-scenariotest-'));
    tmp = join(scratch, 'tmp');
    await mkdir(tmp);
    await writeInstantVerifyTopology(scratch);
  });
  afterAll(async () => {
    // Nothing mounted below the private TMPDIR, nothing left in it.
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(tmp));
    const left = await readdir(tmp);
    // Remove the scratch directory whatever the check says, unless a mount is still inside it.
    if (mounts.length === 0) await rm(scratch, { recursive: true, force: true });
    expect(mounts).toEqual([]);
    expect(left).toEqual([]);
  });

  it('runs a passing scenario: one ok line per step, a summary, exit 0', async () => {
    const file = await write('passing.yaml', PASSING);
    const r = await ndsim([file]);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out.slice(0, 3)).toEqual(['TAP version 13', '1..13', `# ${file}: firmware update and activation of nmem0, a busy bus, the report (topology nfit_test-instant-verify.yaml, virtual clock, mount namespace)`]);
    expect(out.filter((l) => /^(not )?ok /.test(l))).toEqual([
      'ok 1 - the boot scrub ends',
      'ok 2 - a firmware image in the scratch directory',
      'ok 3 - stage and arm nmem0',
      'ok 4 - cat /sys/bus/nd/devices/nmem0/firmware/activate /sys/bus/nd/devices/ndb...',
      'ok 5 - activate',
      'ok 6 - the busy window after an activation ends',
      'ok 7 - cat /sys/bus/nd/devices/ndbus0/firmware/activate',
      'ok 8 - report',
      'ok 9 - hold the bus busy',
      'ok 10 - ndsim report --json',
      'ok 11 - advance 5001 ms',
      'ok 12 - clear all',
      'ok 13 - report',
    ]);
    expect(out.at(-2)).toMatch(/^# ok: 13 passed, 0 failed, 0 skipped of 13 step\(s\) in [\d.]+ s$/);
    expect(r.rc).toBe(0);
  });

  it('stops at a failed step: not ok with what failed and the output, later steps skipped, exit 1', async () => {
    const file = await write('failing.yaml', FAILING);
    const r = await ndsim([file]);
    expect(r.rc).toBe(1);
    // namespace: false in the file.
    expect(r.stdout).toContain('(topology nfit_test, virtual clock, shim redirecting /sys)');
    const out = r.stdout.split('\n');
    const failed = out.indexOf('not ok 2 - nmem0 is armed');
    expect(out.slice(failed - 1, failed + 10)).toEqual([
      'ok 1 - list the buses',
      'not ok 2 - nmem0 is armed',
      '  ---',
      `  at: ${file}:7`,
      '  command: cat /sys/bus/nd/devices/nmem0/firmware/activate',
      '  exit: 0',
      '  failed:',
      `    - 'stdout: line 1: expected "armed", got "idle"'`,
      '  stdout: |',
      '    idle',
      '  ...',
    ]);
    expect(out).toContain('ok 3 - still here # SKIP step 2 failed');
    expect(out.at(-2)).toMatch(/^# FAILED: 1 passed, 1 failed, 1 skipped of 3 step\(s\)/);
  });

  it('runs the rest with --keep-going, and prints one JSON document with --json', async () => {
    const file = await write('failing.yaml', FAILING);
    const kept = await ndsim(['--keep-going', '--namespace', file]);
    expect(kept.rc).toBe(1);
    // The command line overrides the file.
    expect(kept.stdout).toContain('(topology nfit_test, virtual clock, mount namespace)');
    expect(kept.stdout.split('\n').filter((l) => /^(not )?ok /.test(l))).toEqual(['ok 1 - list the buses', 'not ok 2 - nmem0 is armed', 'ok 3 - still here']);

    const json = await ndsim(['--json', file]);
    expect(json.rc).toBe(1);
    const doc = JSON.parse(json.stdout) as { ok: boolean; passed: number; failed: number; skipped: number; steps: { status: string; failures: { where: string; message: string }[]; output?: { stdout: string } }[] };
    expect(doc).toMatchObject({ ok: false, passed: 1, failed: 1, skipped: 1 });
    expect(doc.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(doc.steps[1]).toMatchObject({ failures: [{ where: 'stdout', message: 'line 1: expected "armed", got "idle"' }], output: { stdout: 'idle\n' } });
  });

  it('refuses a bad file with one line naming file, line and field, exit 2, before starting anything', async () => {
    const file = await write('bad.yaml', 'description: bad\nsteps:\n  - run: ndctl list\n    expect: { exit: 0, stdot: x }\n');
    const r = await ndsim([file]);
    expect(r).toMatchObject({ rc: 2, stdout: '' });
    expect(r.stderr).toBe(`ndsim: ${file}:4:24: steps.0.expect.stdot: Unrecognized key: "stdot"\n`);
    const topo = await write('bad-topology.yaml', 'description: bad\ntopology: no-such-platform\nsteps:\n  - run: "true"\n');
    const t = await ndsim([topo]);
    expect(t.rc).toBe(2);
    expect(t.stderr).toMatch(new RegExp(`^ndsim: ${topo}:2:11: topology: unknown topology`));
  });

  it('kills a command that outlives its timeout, with its children', async () => {
    const pidFile = join(scratch, 'background.pid');
    const file = await write('slow.yaml', `description: slow\nsteps:\n  - run: sleep 30 & echo $! > ${pidFile}; sleep 30\n    timeout: 1\n`);
    const started = Date.now();
    const r = await ndsim([file]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.rc).toBe(1);
    expect(r.stdout).toContain('    - "exit: timed out after 1 s"');
    expect(r.stdout).toContain('[ndsim: killed after 1 s]');
    // The background sleep went with the shell (same process group).
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(await running(pid)).toBe(false);
  });

  describe('the shipped scenarios', () => {
    const shipped = shippedScenarios();
    if (shipped.length === 0) it.todo('no scenario under topologies/scenarios/ yet');
    it.each(shipped.map((f) => [relative(SHIPPED_DIR, f), f]))('%s passes', async (_name, file) => {
      const r = await ndsim([file!]);
      expect(r.stdout).not.toMatch(/^not ok /m);
      expect(r.rc, r.stdout + r.stderr).toBe(0);
    });
  });
});
