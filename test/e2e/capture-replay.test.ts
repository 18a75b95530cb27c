// The whole nfit_test capture (../shared/oracle/nfit_test/commands.log,
// steps 01-30) replayed in one simulation with Debian's unmodified ndctl,
// busybox sh and bash, in both sandbox modes: listings, labels, namespaces,
// then the firmware update and activation walk. Every command's stdout,
// stderr and exit code, every raw write's result, every fw-states.txt line.
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAttr } from '../integration/fsio.js';
import { FwWalk } from '../integration/fw-walk.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { between, captured, expectedStates, firstDifference, normalise, ORACLE, steps, type Step } from './oracle.js';
import { startSimulation, type Mode, type Simulation } from './sandbox.js';

const DIMMS = ['nmem0', 'nmem1', 'nmem2', 'nmem3'];
/**
 * How long the capture waited before these state snapshots (the rest came
 * right away); by the walk's start the boot scrub had long finished.
 */
const WAITED_MS: Record<string, number> = { '10-initial': 1000, '20g-still-busy': 1000, '21-after-4s': 4000, '23-after-4s-not-staged': 4000, '25b-after-4s': 4000 };
/**
 * Steps that observe the host rather than the platform (uname, dmesg, lsmod,
 * /dev listings, which only the shim's preloaded processes see) or need a
 * tool ndsim does not ship (daxctl).
 */
const HOST_ONLY = /^00-|devnodes|daxctl|dmesg/;

/**
 * argv of a commands.log line: "sh -c <script>" keeps the script whole. The
 * capture's sh was busybox's (its messages carry the errno; dash's say "I/O
 * error" for every failed write), bash was bash.
 */
function argvOf(command: string, scratch: string): string[] {
  const shell = /^((?:ba)?sh) -c (.*)$/.exec(command);
  if (shell?.[1] && shell[2] !== undefined) return shell[1] === 'sh' ? ['busybox', 'sh', '-c', shell[2]] : ['bash', '-c', shell[2]];
  return command.replaceAll('/scratch/', `${scratch}/`).split(' ');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * ndctl makes up a new random uuid for every namespace and pfn/dax/btt
 * device it creates (uuid_generate()), so the capture's uuids cannot come
 * back. Ours are renamed to the capture's: an unseen uuid of ours pairs
 * with the unseen captured one at the same position, once, for the whole
 * run, so every later mention (listings, labels) must agree with it.
 */
class UuidPairing {
  private readonly toCaptured = new Map<string, string>();
  private readonly paired = new Set<string>();

  rename(got: string, want: string): string {
    const ours = got.match(UUID) ?? [];
    const theirs = want.match(UUID) ?? [];
    for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
      const [a, b] = [ours[i], theirs[i]];
      if (!a || !b || this.toCaptured.has(a) || this.paired.has(b)) continue;
      this.toCaptured.set(a, b);
      this.paired.add(b);
    }
    return got.replace(UUID, (u) => this.toCaptured.get(u) ?? u);
  }
}

for (const mode of ['namespace', 'shim'] as Mode[]) {
  describe(`nfit_test capture replay (${mode})`, () => {
    let sim: Simulation;
    let scratch: string;
    let walk: FwWalk;
    const uuids = new UuidPairing();

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'ndsim-scratch-'));
      await writeFile(join(scratch, 'fw.img'), '');
      await truncate(join(scratch, 'fw.img'), 196608);
      sim = await startSimulation(mode, await writeInstantVerifyTopology(scratch));
      walk = new FwWalk(sim.daemon.mnt);
    });
    afterAll(async () => {
      await sim?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    async function replay(step: Extract<Step, { kind: 'command' }>): Promise<string[]> {
      if (step.command.startsWith('sysw ')) {
        const rec = JSON.parse(await readFile(join(ORACLE, `${step.name}.out`), 'utf8')) as { path: string; value: string; op: string; ret: number; errno?: number };
        const r = await writeAttr(join(sim.daemon.mnt, rec.path), Buffer.from(`${rec.value}\0`, 'latin1'));
        const got = r.ok ? `ok ${r.bytes}` : `${r.op} errno ${r.errno}`;
        const want = rec.errno === undefined ? `ok ${rec.ret}` : `${rec.op} errno ${rec.errno}`;
        return got === want ? [] : [`${step.name}: ${got}, captured ${want}`];
      }
      const got = await sim.run(argvOf(step.command, scratch));
      const want = await captured(step.name);
      const problems: string[] = [];
      const fix = (s: string) => normalise(s.replaceAll(`${scratch}/`, '/scratch/'));
      const stdout = uuids.rename(fix(got.stdout), want.stdout);
      if (got.rc !== want.rc) problems.push(`${step.name}: exit ${got.rc}, captured ${want.rc}`);
      if (stdout !== normalise(want.stdout)) problems.push(firstDifference(`${step.name} stdout`, stdout, normalise(want.stdout)));
      if (fix(got.stderr) !== want.stderr) problems.push(firstDifference(`${step.name} stderr`, fix(got.stderr), want.stderr));
      return problems;
    }

    it('reproduces every command, raw write and state snapshot of steps 01-30', async () => {
      const expected = await expectedStates();
      const walkSteps = between(await steps(), '01-ndctl-list-BDFHRN-vvv', '30-end-live').filter((s) => !HOST_ONLY.test(s.name));
      const problems: string[] = [];
      let commands = 0;
      let states = 0;
      for (const step of walkSteps) {
        if (step.kind === 'state') {
          const wait = WAITED_MS[step.name];
          if (wait) await walk.advance(wait);
          const line = await walk.stateLine(DIMMS);
          if (line !== expected.get(step.name)) problems.push(`${step.name}: ${line}\n  captured: ${expected.get(step.name)}`);
          states += 1;
          continue;
        }
        problems.push(...(await replay(step)));
        commands += 1;
      }
      expect(problems.join('\n\n')).toBe('');
      expect(states).toBe(expected.size);
      // Every command and raw write of commands.log 01-30 but the host-only ones: 119.
      expect(commands).toBe(119);
    }, 600_000);
  });
}
