// ndsim mount --state: what was acknowledged survives the daemon, however
// it ends. Heavy label writes from several processes through the shim (a
// C client issuing ND_IOCTL_SET_CONFIG_DATA, ndctl write-labels and ndctl
// init-labels loops), the daemon SIGKILLed in the middle, a restart on the
// same state directory, and every acknowledged write read back with the
// unmodified ndctl. Then an fsdax namespace across a SIGKILL, a staged
// firmware update across a SIGTERM restart, and the CLI's refusals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxed } from '../../src/cli/run.js';
import { REPO, startDaemon, type Daemon } from '../integration/daemon-harness.js';
import { FwWalk } from '../integration/fw-walk.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { runProcess, type Outcome } from './sandbox.js';

const LABEL_SIZE = 131072;
const CHUNK = 4096;
const NCHUNKS = LABEL_SIZE / CHUNK;
/** Each C writer goes round its DIMM's label area at least this often before the kill. */
const ROUNDS_BEFORE_KILL = 2;
const LOAD_DEADLINE_MS = 240_000;
const WRITER_COUNT = 1_000_000;

/** label-writer.c fill(): byte j of write i by the writer tagged `tag`. */
function fill(tag: number, i: number, j: number): number {
  return (tag * 131 + i * 31 + j * 7 + (j >> 8)) & 0xff;
}
function chunkOf(tag: number, i: number): Buffer {
  const b = Buffer.alloc(CHUNK);
  for (let j = 0; j < CHUNK; j++) b[j] = fill(tag, i, j);
  return b;
}

interface Instance {
  readonly daemon: Daemon;
  run(argv: readonly string[]): Promise<Outcome>;
  /** How to start a long-running client under the shim. */
  spawnArgs(argv: readonly string[]): { file: string; args: string[]; env: NodeJS.ProcessEnv };
  stop(): Promise<void>;
}

/** A daemon on `topology` keeping its state in `state`; clients reach it through the shim. */
async function start(topology: string, state: string): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'ndsim-persist-run-'));
  const socket = join(dir, 'ioctl.sock');
  const control = join(dir, 'control.sock');
  const daemon = await startDaemon(topology, 'virtual', ['--socket', socket, '--control', control, '--state', state]);
  const at = { root: daemon.mnt, socket, control };
  return {
    daemon,
    run: (argv) => {
      const s = sandboxed(at, argv, false);
      return runProcess(s.file, s.args, s.env);
    },
    spawnArgs: (argv) => sandboxed(at, argv, false),
    stop: async () => {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A client running until it ends or the test kills it by pid; its stdout line by line. */
class Client {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private partial = '';
  stderr = '';
  readonly exited: Promise<void>;
  constructor(file: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      const text = this.partial + d.toString('latin1');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString('latin1')));
    this.exited = new Promise((res) => this.child.once('close', () => res()));
  }
  count(word: string): number {
    return this.lines.filter((l) => l.startsWith(`${word} `)).length;
  }
  /** The numbers of the lines starting with `word`. */
  numbers(word: string): number[] {
    return this.lines.filter((l) => l.startsWith(`${word} `)).map((l) => Number(l.split(' ')[1]));
  }
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }
}

/** An ndctl command run over and over; each run's number is logged as sent, then acked if it exited 0. */
class NdctlLoop {
  readonly sent: number[] = [];
  readonly acked: number[] = [];
  readonly failures: string[] = [];
  private stopped = false;
  readonly done: Promise<void>;
  constructor(
    inst: Instance,
    argv: (k: number) => string[],
    /** ndctl exits 0 even when the action failed on every DIMM: only its count says it worked. */
    private readonly success: RegExp,
  ) {
    this.done = (async () => {
      for (let k = 0; !this.stopped; k++) {
        this.sent.push(k);
        const r = await inst.run(argv(k));
        if (r.rc === 0 && this.success.test(r.stderr)) this.acked.push(k);
        else {
          this.failures.push(`${argv(k).join(' ')}: rc ${r.rc} ${r.stderr.trim()}`);
          return;
        }
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ndsim mount --state', () => {
  let dir: string;
  let writer: string;
  const instances: Instance[] = [];
  const clients: Client[] = [];
  const loops: NdctlLoop[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ndsim-persist-'));
    writer = join(dir, 'label-writer');
    const cc = spawnSync('cc', ['-std=gnu11', '-O1', '-Wall', '-Wextra', '-Werror', '-o', writer, join(REPO, 'native-shim/test/label-writer.c')], { encoding: 'utf8', timeout: 60_000 });
    if (cc.status !== 0) throw new Error(`cc label-writer.c: ${cc.stderr}`);
  });
  afterAll(async () => {
    for (const l of loops) await l.stop();
    for (const c of clients) await c.kill();
    for (const i of instances) await i.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function launch(topology: string, state: string): Promise<Instance> {
    const inst = await start(topology, state);
    instances.push(inst);
    return inst;
  }
  async function ndctl(inst: Instance, ...args: string[]): Promise<string> {
    const r = await inst.run(['ndctl', ...args]);
    if (r.rc !== 0) throw new Error(`ndctl ${args.join(' ')}: exit ${r.rc}\n${r.stderr}`);
    return r.stdout;
  }
  async function readLabels(inst: Instance, nmem: string): Promise<Buffer> {
    const out = join(dir, `${nmem}.read`);
    await ndctl(inst, 'read-labels', nmem, '-o', out);
    return readFile(out);
  }

  it('keeps every acknowledged label write through a SIGKILL in the middle of heavy writes', async () => {
    const state = join(dir, 'labels-state');
    const first = await launch('nfit_test', state);
    // SET_CONFIG_DATA is refused while a region uses the DIMM (nd_cmd_clear_to_send).
    await ndctl(first, 'disable-region', 'all');

    // Three whole-area images for ndctl write-labels on nmem4.
    const images = [0, 1, 2].map((n) => Buffer.from(Array.from({ length: LABEL_SIZE }, (_, j) => (n * 97 + j * 13 + (j >> 12)) & 0xff)));
    const imageFiles = await Promise.all(images.map(async (b, n) => {
      const f = join(dir, `image${n}.bin`);
      await writeFile(f, b);
      return f;
    }));

    // One C writer per DIMM of nfit_test.0, tagged 1..4.
    const writers = ['nmem0', 'nmem1', 'nmem2', 'nmem3'].map((nmem, n) => {
      const s = first.spawnArgs([writer, `/dev/${nmem}`, String(n + 1), String(CHUNK), String(NCHUNKS), String(WRITER_COUNT)]);
      const c = new Client(s.file, s.args, s.env);
      clients.push(c);
      return { nmem, tag: n + 1, client: c };
    });
    const writeLabels = new NdctlLoop(first, (k) => ['ndctl', 'write-labels', 'nmem4', '-i', imageFiles[k % 3] ?? ''], /^wrote 1 nmem$/m);
    const initLabels = new NdctlLoop(first, () => ['ndctl', 'init-labels', '-f', 'nmem5'], /^initialized 1 nmem$/m);
    loops.push(writeLabels, initLabels);

    await until(
      'the writers to go round their label areas',
      () => {
        const failed = [...writeLabels.failures, ...initLabels.failures, ...writers.filter((w) => w.client.count('fail') > 0).map((w) => `${w.nmem}: ${w.client.lines.join(' ')} ${w.client.stderr}`)];
        if (failed.length > 0) throw new Error(`a writer failed before the kill: ${failed.join('; ')}`);
        return writers.every((w) => w.client.count('ack') >= ROUNDS_BEFORE_KILL * NCHUNKS) && writeLabels.acked.length >= 2 && initLabels.acked.length >= 2;
      },
      LOAD_DEADLINE_MS,
    );
    // Something still in flight somewhere: the kill lands in the middle.
    first.daemon.child.kill('SIGKILL');
    const unacked = (w: (typeof writers)[number]) => w.client.count('sent') - w.client.count('ack');
    const inFlight = writers.filter((w) => unacked(w) > 0).length + writeLabels.sent.length - writeLabels.acked.length + initLabels.sent.length - initLabels.acked.length;
    await first.stop();
    await Promise.all(writers.map((w) => w.client.kill()));
    await writeLabels.stop();
    await initLabels.stop();
    for (const w of writers) expect(w.client.lines.filter((l) => l.startsWith('fail') && !/errno/.test(l)), `${w.nmem} status failures`).toEqual([]);
    expect(inFlight, 'writes in flight when the daemon was killed').toBeGreaterThan(0);

    const second = await launch('nfit_test', state);
    for (const w of writers) {
      const got = await readLabels(second, w.nmem);
      expect(got.length).toBe(LABEL_SIZE);
      const acked = w.client.numbers('ack');
      const last = acked[acked.length - 1] ?? -1;
      // The write sent after the last ack may or may not have landed; nothing older may show.
      const inflight = w.client.numbers('sent').filter((i) => i > last);
      for (let c = 0; c < NCHUNKS; c++) {
        const lastAcked = acked.filter((i) => i % NCHUNKS === c).pop();
        expect(lastAcked, `${w.nmem} chunk ${c} acked`).toBeDefined();
        const allowed = [lastAcked ?? 0, ...inflight.filter((i) => i % NCHUNKS === c)].map((i) => chunkOf(w.tag, i));
        const chunk = got.subarray(c * CHUNK, (c + 1) * CHUNK);
        expect(allowed.some((a) => a.equals(chunk)), `${w.nmem} chunk ${c}: last acked write ${lastAcked}`).toBe(true);
      }
    }
    // nmem4: each 4 KiB transfer of ndctl write-labels is acknowledged on its own, so a
    // command cut short leaves a mix of the last completed image and the one in flight.
    const got = await readLabels(second, 'nmem4');
    const lastImage = writeLabels.acked[writeLabels.acked.length - 1] ?? -1;
    const inflightImages = writeLabels.sent.filter((k) => k > lastImage);
    for (let c = 0; c < NCHUNKS; c++) {
      const allowed = [lastImage, ...inflightImages].map((k) => images[k % 3]!.subarray(c * CHUNK, (c + 1) * CHUNK));
      const chunk = got.subarray(c * CHUNK, (c + 1) * CHUNK);
      const which = images.findIndex((img) => img.subarray(c * CHUNK, (c + 1) * CHUNK).equals(chunk));
      expect(allowed.some((a) => a.equals(chunk)), `nmem4 chunk ${c} is image ${which}; acked ${writeLabels.acked.join(',')}, sent ${writeLabels.sent.join(',')}: ${chunk.subarray(0, 16).toString('hex')}`).toBe(true);
    }
    // nmem5 went through init-labels: its index blocks read back (at least one valid).
    const index = JSON.parse(await ndctl(second, 'read-labels', '-j', 'nmem5')) as { index?: unknown[] }[];
    expect(index[0]?.index?.length ?? 0).toBeGreaterThanOrEqual(1);
    await second.stop();
  }, 420_000);

  it('brings an fsdax namespace back after a SIGKILL right after create-namespace returned', async () => {
    const state = join(dir, 'ns-state');
    const first = await launch('nfit_test', state);
    await ndctl(first, 'disable-region', '-b', 'nfit_test.0', 'all');
    await ndctl(first, 'init-labels', '-f', '-b', 'nfit_test.0', 'all');
    await ndctl(first, 'enable-region', '-b', 'nfit_test.0', 'all');
    interface NsJson { dev: string; mode: string; uuid?: string; size: number; map?: string }
    const created = JSON.parse(await ndctl(first, 'create-namespace', '-r', 'region1', '-m', 'fsdax', '-s', '32M')) as NsJson;
    expect(created.mode).toBe('fsdax');
    first.daemon.child.kill('SIGKILL');
    await first.stop();

    const second = await launch('nfit_test', state);
    const listed = JSON.parse(await ndctl(second, 'list', '-N', '-r', 'region1')) as NsJson[];
    expect(listed.map(({ dev, mode, uuid, size, map }) => ({ dev, mode, uuid, size, map }))).toEqual([{ dev: created.dev, mode: 'fsdax', uuid: created.uuid, size: created.size, map: created.map }]);
    await ndctl(second, 'destroy-namespace', '-f', created.dev);
    await second.stop();
    // The destroy was kept too.
    const third = await launch('nfit_test', state);
    expect(JSON.parse((await ndctl(third, 'list', '-N', '-r', 'region1')) || '[]')).toEqual([]);
    await third.stop();
  }, 180_000);

  it('keeps a staged firmware update across a restart, and its activation proceeds', async () => {
    const topoDir = join(dir, 'fw');
    await mkdir(topoDir);
    const topology = await writeInstantVerifyTopology(topoDir);
    const state = join(dir, 'fw-state');
    const image = join(dir, 'update-fw.img');
    await writeFile(image, '');
    await truncate(image, 196608);

    interface FwDimm { dev: string; firmware?: { next_version?: string; activate_state?: string; current_version?: string } }
    interface FwBus { firmware?: { activate_state?: string }; dimms?: FwDimm[] }
    const dimmFw = async (inst: Instance) => (JSON.parse(await ndctl(inst, 'list', '-b', 'nfit_test.0', '-D', '-F', '-d', 'nmem0')) as FwDimm[])[0]?.firmware;
    const busFw = async (inst: Instance) => (JSON.parse(await ndctl(inst, 'list', '-b', 'nfit_test.0', '-F')) as FwBus[])[0]?.firmware;

    const first = await launch(topology, state);
    // ndctl refuses an update while a scrub runs: let it end (the clock is virtual).
    await new FwWalk(first.daemon.mnt).advance(1000);
    await ndctl(first, 'wait-scrub', 'nfit_test.0');
    const before = await dimmFw(first);
    const staged = JSON.parse(await ndctl(first, 'update-firmware', '-b', 'nfit_test.0', '-f', image, 'nmem0')) as FwDimm[];
    expect(staged[0]?.firmware?.activate_state).toBe('armed');
    const stagedFw = await dimmFw(first);
    expect(stagedFw?.next_version).not.toBe(before?.next_version);
    await first.stop();

    const second = await launch(topology, state);
    // The staged image, its version and the arm survived the restart.
    expect(JSON.stringify(await dimmFw(second))).toBe(JSON.stringify(stagedFw));
    expect((await busFw(second))?.activate_state).toBe('armed');
    const activated = JSON.parse(await ndctl(second, 'activate-firmware', '-v', 'nfit_test.0')) as FwBus[];
    expect(activated[0]?.dimms?.find((d) => d.dev === 'nmem0')?.firmware?.activate_state).toBe('busy');
    await new FwWalk(second.daemon.mnt).advance(4000);
    const after = await dimmFw(second);
    expect(after?.activate_state).toBe('idle');
    await second.stop();

    // The activation itself is kept: a third start finds the bus idle, nothing armed.
    const third = await launch(topology, state);
    expect(await dimmFw(third)).toEqual(after);
    await third.stop();
  }, 180_000);

  /** ndsim itself, with a deadline; never left running. */
  function ndsim(args: readonly string[]): Promise<Outcome> {
    return runProcess(process.execPath, [join(REPO, 'bin/ndsim.js'), ...args], process.env);
  }
  async function mounted(mnt: string): Promise<boolean> {
    return (await readFile('/proc/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === mnt);
  }

  it('refuses a state dir inside the mountpoint, and a damaged one, in one line and without mounting', async () => {
    const mnt = join(dir, 'mnt');
    await mkdir(mnt);
    const inside = await ndsim(['mount', '--clock', 'virtual', '--state', join(mnt, 'state'), mnt]);
    expect(inside.rc).toBe(1);
    expect(inside.stderr).toMatch(/^ndsim: state dir \S+ is inside the mountpoint \S+: .*deadlock.*\n$/);
    expect(await mounted(mnt)).toBe(false);

    const state = join(dir, 'damaged-state');
    const made = await ndsim(['run', '--no-namespace', '--clock', 'virtual', '--state', state, '--', 'true']);
    expect(made.rc, made.stderr).toBe(0);
    const labels = join(state, 'dimms', 'bus0-dimm0x0000.labels');
    await writeFile(labels, Buffer.alloc(10));
    const damaged = await ndsim(['mount', '--clock', 'virtual', '--state', state, mnt]);
    expect(damaged.rc).toBe(1);
    expect(damaged.stderr).toBe(`ndsim: state file ${labels}: 10 bytes, but the DIMM's label area holds ${LABEL_SIZE}; repair or remove it, or start with --reset-state to begin afresh\n`);
    expect(await mounted(mnt)).toBe(false);
    expect((await readFile(labels)).length).toBe(10);
  }, 120_000);

  it('ndsim run --state keeps labels from one run to the next; --reset-state starts afresh', async () => {
    const state = join(dir, 'run-state');
    const image = join(dir, 'run-image.bin');
    const bytes = Buffer.from(Array.from({ length: LABEL_SIZE }, (_, j) => (j * 5 + 3) & 0xff));
    await writeFile(image, bytes);
    const out = join(dir, 'run-read.bin');
    const w = await ndsim(['run', '--no-namespace', '--clock', 'virtual', '--state', state, '--', 'sh', '-c', `ndctl disable-region all && ndctl write-labels nmem4 -i ${image}`]);
    expect(w.rc, w.stderr).toBe(0);
    const r = await ndsim(['run', '--no-namespace', '--clock', 'virtual', '--state', state, '--', 'ndctl', 'read-labels', 'nmem4', '-o', out]);
    expect(r.rc, r.stderr).toBe(0);
    expect((await readFile(out)).equals(bytes)).toBe(true);
    const fresh = await ndsim(['run', '--no-namespace', '--clock', 'virtual', '--state', state, '--reset-state', '--', 'ndctl', 'read-labels', 'nmem4', '-o', out]);
    expect(fresh.rc, fresh.stderr).toBe(0);
    expect((await readFile(out)).equals(bytes)).toBe(false);
  }, 120_000);
});
