// The control service as users drive it from inside `ndsim run`: `ndsim
// inject` changing what the unmodified ndctl sees, `ndsim trace` (text and
// --json) streaming every layer, `ndsim report`, `ndsim explain` against
// the running instance and offline, DEBUG=ndsim:* logging, and the
// socket's privacy.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../integration/daemon-harness.js';
import { runProcess, startSimulation, type Outcome, type Simulation } from './sandbox.js';

const CLI = join(REPO, 'bin/ndsim.js');
const LAB = join(REPO, 'topologies/scenarios/platforms/lab-quiesce.yaml');
const ndsim = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> => runProcess(process.execPath, [CLI, ...args], { ...process.env, ...env });

let sim: Simulation;
let scratch: string;
const sh = (script: string) => sim.run(['sh', '-c', script], { SCRATCH: scratch });

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ndsim-control-'));
  await writeFile(join(scratch, 'fw.img'), Buffer.alloc(4096));
  sim = await startSimulation('namespace', LAB, 'virtual');
}, 60_000);
afterAll(async () => {
  await sim?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** Start `ndsim trace ARGS` in the background, run `script`, stop the trace, print what it caught. */
const TRACED = (args: string, script: string) => `
ndsim trace ${args} > "$SCRATCH/trace.out" 2> "$SCRATCH/trace.err" &
tp=$!
n=0; while ! grep -q tracing "$SCRATCH/trace.err" 2>/dev/null; do n=$((n+1)); [ $n -gt 400 ] && exit 99; sleep 0.05; done
${script}
kill $tp; wait $tp
cat "$SCRATCH/trace.out"`;

describe('ndsim inject', () => {
  it('a DSM fault makes ndctl update-firmware fail; clear restores it', async () => {
    const out = await sh(`
ndsim inject dsm nmem0 13 --status 0x10007 --times 1
ndctl update-firmware -f "$SCRATCH/fw.img" nmem0 >/dev/null; echo "rc=$?"
ndsim inject dsm nmem0 12 --errno EIO
ndctl update-firmware -f "$SCRATCH/fw.img" nmem0 >/dev/null; echo "rc=$?"
ndsim inject clear nmem0
ndctl update-firmware -f "$SCRATCH/fw.img" nmem0 >/dev/null; echo "rc=$?"`);
    expect(out.stdout).toBe(
      [
        'nmem0: DSM function 13 answers status 0x10007 for 1 calls',
        'rc=1',
        'nmem0: DSM function 12 fails -EIO until cleared',
        'rc=1',
        'cleared injected faults of nmem0',
        'rc=0',
        '',
      ].join('\n'),
    );
    expect(out.stderr).toContain('nmem0: busy with another firmware update');
  });

  it('busy, result and advance reach ndctl update-firmware and activate-firmware', async () => {
    const out = await sh(`
ndsim inject advance 5000 >/dev/null
ndsim inject result nmem1 fail
ndsim inject busy ndbus0 1000
ndctl update-firmware -f "$SCRATCH/fw.img" nmem1 >/dev/null 2>&1
cat /sys/bus/nd/devices/nmem1/firmware/activate
ndsim inject advance 1000
echo arm > /sys/bus/nd/devices/nmem1/firmware/activate
ndctl activate-firmware ndbus0 >/dev/null 2>&1; echo "rc=$?"
ndsim inject advance 3001 >/dev/null
cat /sys/bus/nd/devices/nmem1/firmware/activate /sys/bus/nd/devices/nmem1/firmware/result`);
    // The image is staged but arming met the held bus (EBUSY), so it is armed by hand once the hold is over.
    expect(out.stdout.split('\n')).toEqual(['nmem1: activations give fail', 'ndbus0: held busy for 1000 ms', 'busy', 'clock at 6000 ms', 'rc=0', 'idle', 'fail', '']);
  });

  it('refuses what cannot be, in one line and exit 1', async () => {
    const out = await sh('ndsim inject dsm nmem9 13 --errno EIO; echo "rc=$?"; ndsim inject dsm nmem0 13; echo "rc=$?"');
    expect(out.stdout).toBe('rc=1\nrc=1\n');
    expect(out.stderr).toBe('ndsim: no DIMM nmem9\nndsim: give exactly one of --errno and --status\n');
  });

  it('outside an instance it says how to reach one', async () => {
    const out = await ndsim(['report'], { NDSIM_CONTROL: '' });
    expect(out.rc).toBe(1);
    expect(out.stderr).toMatch(/^ndsim: no running ndsim: give --control SOCKET/);
  });
});

describe('ndsim trace', () => {
  it('streams sysfs, ioctl, DSM, state, quiesce and inject events as JSON', async () => {
    const out = await sh(
      TRACED(
        '--json',
        `ndsim inject advance 10000 >/dev/null
ndctl update-firmware -f "$SCRATCH/fw.img" nmem3 >/dev/null 2>&1
echo quiesce > /sys/bus/nd/devices/ndbus0/firmware/activate`,
      ),
    );
    expect(out.rc).toBe(0);
    const events = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; kind: string; text: string });
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['inject', 'sysfs', 'ioctl', 'dsm', 'state', 'quiesce']));
    const texts = events.map((e) => `${e.kind} ${e.text}`);
    const at = (s: string) => texts.findIndex((t) => t.includes(s));
    // In the order it happened: the update through ioctls, the arm through sysfs, then the freeze around the activate DSM.
    const order = [
      'ioctl /dev/nmem3 cmd_call family 0 fn 13: 0',
      'state nmem3: firmware update verify -> updated',
      'dsm nmem3 fn 30 fw_activate_arm: rc 0 status 0x0',
      'quiesce freeze_processes: ok',
      'state ndbus0: activate (frozen, force_idle) status success',
      'quiesce thaw_processes',
      'sysfs write /sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/firmware/activate: "quiesce\\n" = 8',
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
  });

  it('prints one line per event as text, filtered by --kind', async () => {
    const out = await sh(TRACED('--kind quiesce --kind inject', 'ndsim inject advance 3001 >/dev/null; echo live > /sys/bus/nd/devices/ndbus0/firmware/activate 2>/dev/null'));
    expect(out.stdout).toMatch(/^ +\d+\.\d{3} inject  clock advanced 3001 ms to \d+ ms\n$/);
  });
});

describe('ndsim report and explain against the running instance', () => {
  it('report --json carries the activation history and the machine', async () => {
    const out = await sh('ndsim report --json');
    const r = JSON.parse(out.stdout) as { buses: { activation: { history: { frozen: boolean; results: Record<string, string> }[] } }[]; machine: { devices: { name: string; dmaDuringQuiesce: number }[] } };
    const history = r.buses[0]!.activation.history;
    expect(history.some((a) => a.frozen && a.results['nmem3'] === 'success')).toBe(true);
    expect(r.machine.devices.find((d) => d.name.endsWith('mlx5_0'))!.dmaDuringQuiesce).toBeGreaterThan(0);
  });

  it('explain shows the live value of the running instance, and a fresh one offline', async () => {
    const live = await sh('ndsim inject busy ndbus0 1000 >/dev/null; ndsim explain /sys/bus/nd/devices/nmem0/firmware/activate');
    expect(live.stdout).toMatch(/value +"busy\\n"/);
    const offline = await ndsim(['explain', '--topology', 'nfit_test', '/sys/bus/nd/devices/nmem0/firmware/activate'], { NDSIM_CONTROL: '' });
    expect(offline.rc).toBe(0);
    expect(offline.stdout).toMatch(/value +"idle\\n"/);
    const json = await ndsim(['explain', '--json', '--topology', 'nfit_test', '/sys/bus/nd/devices/ndbus0/firmware/capability']);
    expect(JSON.parse(json.stdout)).toMatchObject({ attribute: 'firmware/capability' });
    const missing = await ndsim(['explain', '--topology', 'nfit_test', '/sys/bus/nd/devices/ndbus0/nothing']);
    expect([missing.rc, missing.stderr]).toEqual([1, 'ndsim: no such file: /sys/bus/nd/devices/ndbus0/nothing\n']);
  });
});

/** Send raw bytes to the control socket; resolves with everything it answered before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(sim.control);
    let out = '';
    sock.setTimeout(10_000, () => sock.destroy(new Error('no answer')));
    sock.on('data', (d: Buffer) => (out += d.toString()));
    sock.on('close', () => resolve(out));
    sock.on('error', reject);
    sock.end(bytes);
  });
}

describe('the control protocol refuses bad requests and keeps serving', () => {
  it.each([
    ['not JSON', 'hello\n', /^\{"ok":false,"error":"Unexpected token/],
    ['an unknown op', '{"op":"reboot"}\n', /"ok":false,"error":"op: /],
    ['a fault without its fields', '{"op":"inject","fault":{"kind":"dsm","target":"nmem0","fn":13}}\n', /give exactly one of errno and status/],
    ['a bad device name', '{"op":"inject","fault":{"kind":"busy","bus":"ndbus0; rm -rf /","ms":1}}\n', /expected a bus name like ndbus0/],
    ['a line that never ends', 'x'.repeat(70 * 1024), /request too long/],
  ])('%s', async (_what, bytes, answer) => {
    expect(await raw(bytes)).toMatch(answer);
    const after = await sh('ndsim report --json >/dev/null && echo alive');
    expect(after.stdout).toBe('alive\n');
  });
});

describe('privacy and logging', () => {
  it('the control socket is a 0600 socket', async () => {
    const s = await stat(sim.control);
    expect(s.isSocket()).toBe(true);
    expect(s.mode & 0o777).toBe(0o600);
  });

  it('DEBUG=ndsim:* logs the same events through debug on the daemon\'s stderr', async () => {
    const out = await ndsim(['run', '--clock', 'virtual', '--topology', LAB, '--', 'sh', '-c', 'echo live > /sys/bus/nd/devices/ndbus0/firmware/activate'], { DEBUG: 'ndsim:sysfs,ndsim:dsm' });
    expect(out.stderr).toMatch(/ndsim:dsm ndbus0 fn 1 fw_activate_businfo: rc 0 status 0x0/);
    expect(out.stderr).toMatch(/ndsim:sysfs write \/sys\/devices\/\S+\/ndbus0\/firmware\/activate: "live\\n" -ENXIO/);
    expect(out.stderr).not.toMatch(/ndsim:quiesce/);
  });
});
