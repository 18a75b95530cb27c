// `ndsim run` and `ndsim shell` as a user drives them: the unmodified ndctl
// inside, in both sandbox modes; the fake modprobe; (exit statuses and
// signals: test/integration/lifecycle.test.ts); nothing left mounted or on disk afterwards.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../integration/daemon-harness.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { runProcess, type Outcome } from './sandbox.js';

const CLI = join(REPO, 'bin/ndsim.js');

/** A private TMPDIR for every run here, so that runs of other test files cannot look like leftovers of ours. */
let tmp = '';
const ndsim = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> => runProcess(process.execPath, [CLI, ...args], { ...process.env, TMPDIR: tmp, ...env });

async function leftovers(): Promise<string[]> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(tmp));
  return [...mounts, ...(await readdir(tmp))];
}

interface ListedBus {
  provider: string;
  dimms?: { dev: string; health?: { health_state: string }; firmware?: { can_update?: boolean } }[];
  firmware?: { activate_method: string };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ndsim-runtest-'));
  tmp = join(scratch, 'tmp');
  await mkdir(tmp);
});
afterAll(async () => {
  const left = await leftovers();
  // Remove the scratch directory whatever the check says (a mount left inside stays, and shows).
  if (!left.some((l) => l.includes(' '))) await rm(scratch, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe('ndsim run', () => {

  for (const flags of [[], ['--no-namespace']]) {
    it(`runs the unmodified ndctl list -BDFH -vvv ${flags.length ? 'with the shim redirecting /sys' : 'in a mount namespace'}`, async () => {
      const r = await ndsim(['run', ...flags, '--', 'ndctl', 'list', '-BDFH', '-vvv']);
      expect(r.stderr).toBe('');
      expect(r.rc).toBe(0);
      const buses = JSON.parse(r.stdout) as ListedBus[];
      expect(buses.map((b) => b.provider)).toEqual(['nfit_test.1', 'nfit_test.0']);
      const bus0 = buses[1]!;
      expect(bus0.firmware?.activate_method).toBe('suspend');
      // Health and firmware info come from SMART and FW_GET_INFO ioctls through the shim.
      expect(bus0.dimms?.map((d) => [d.dev, d.health?.health_state, d.firmware?.can_update])).toEqual([
        ['nmem1', 'non-critical', true],
        ['nmem3', 'non-critical', true],
        ['nmem0', 'non-critical', true],
        ['nmem2', 'non-critical', true],
      ]);
    });
  }

  it('state lives as long as the run: a firmware update and its arming in one run, gone in the next', async () => {
    const img = join(scratch, 'fw.img');
    await writeFile(img, Buffer.alloc(4096));
    // On the virtual clock: let the boot scrub finish first (update-firmware refuses during ARS).
    const script = `echo advance 1000 > "$NDSIM_ROOT/.ndsim/clock" && ndctl update-firmware -f ${img} nmem0 >/dev/null && cat /sys/bus/nd/devices/nmem0/firmware/activate`;
    const first = await ndsim(['run', '--clock', 'virtual', '--topology', await writeInstantVerifyTopology(scratch), '--', 'sh', '-c', script]);
    expect(first).toMatchObject({ rc: 0, stdout: 'armed\n' });
    const second = await ndsim(['run', '--', 'cat', '/sys/bus/nd/devices/nmem0/firmware/activate']);
    expect(second).toMatchObject({ rc: 0, stdout: 'idle\n' });
  });

  it('offers a modprobe that accepts the nvdimm stack and refuses everything else', async () => {
    const r = await ndsim(['run', '--', 'sh', '-c', 'modprobe nfit_test && modprobe -r nfit_test && echo ok; modprobe e1000; echo "rc=$?"']);
    expect(r.stdout).toBe('ok\nrc=1\n');
    expect(r.stderr).toContain('modprobe: FATAL: Module e1000 not found');
  });

  it('exposes the mount root and the virtual clock to the command', async () => {
    const r = await ndsim(['run', '--clock', 'virtual', '--', 'sh', '-c', 'cat "$NDSIM_ROOT/.ndsim/clock"; echo advance 500 > "$NDSIM_ROOT/.ndsim/clock"; cat "$NDSIM_ROOT/.ndsim/clock"']);
    expect(r).toMatchObject({ rc: 0, stdout: 'virtual 0\nvirtual 500\n' });
  });

  it('refuses a missing command or a bad topology with one line, before starting anything', async () => {
    const none = await ndsim(['run']);
    expect(none.rc).toBe(1);
    expect(none.stderr).toMatch(/^ndsim: run needs a command after --/);
    const bad = join(scratch, 'bad.yaml');
    await writeFile(bad, 'buses:\n  - provider: 7\n');
    const r = await ndsim(['run', '--topology', bad, '--', 'true']);
    expect(r.rc).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
  });
});

describe('ndsim shell', () => {
  it('runs $SHELL inside the simulation and exits with its status', async () => {
    const child = spawn(process.execPath, [CLI, 'shell'], { env: { ...process.env, TMPDIR: tmp, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 60_000);
    child.stdin.end('cat /sys/bus/nd/devices/ndbus0/provider; exit 3\n');
    const rc = await new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    clearTimeout(timer);
    expect(rc, `stderr: ${err}`).toBe(3);
    expect(out).toBe('nfit_test.0\n');
  });
});
