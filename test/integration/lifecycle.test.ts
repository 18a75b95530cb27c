// The daemon's and `ndsim run`'s life cycle as CI meets it: stopped by
// SIGINT/SIGTERM it unmounts and removes its sockets; killed outright the
// auto-unmount helper takes the mount away; a stale mount (daemon and
// helper both killed) is cleared by the next `ndsim mount`, a live one is
// never taken over; sockets of killed daemons are replaced, live ones and
// other files never; `ndsim run` ends the way its command ended, exit
// status or signal, and passes SIGINT/SIGTERM on, leaving nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, isMounted, startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr } from './fsio.js';

const CLI = join(REPO, 'bin/ndsim.js');
const PROVIDER = '/sys/bus/nd/devices/ndbus0/provider';
const COMMAND_TIMEOUT_MS = 60_000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once `text` appeared on stdout (false if the process ended first). */
  saw(text: string): Promise<boolean>;
  ended: Promise<Ended>;
}

/** Start a process with a deadline (SIGKILL by its pid) and its output collected. */
function start(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; res: (ok: boolean) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiting.filter((x) => stdout.includes(x.text))) w.res(true);
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, COMMAND_TIMEOUT_MS);
  const ended = new Promise<Ended>((res) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of waiting) w.res(false);
      res({ code, signal, stdout, stderr });
    }),
  );
  const saw = (text: string) =>
    stdout.includes(text) ? Promise.resolve(true) : child.exitCode !== null || child.signalCode !== null ? Promise.resolve(false) : new Promise<boolean>((res) => waiting.push({ text, res }));
  return { child, output: () => stdout + stderr, saw, ended };
}

const ndsim = (args: string[], env?: NodeJS.ProcessEnv) => start(process.execPath, [CLI, ...args], env);

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function mountCount(mnt: string): Promise<number> {
  return (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.split(' ')[1] === mnt).length;
}

/** The sockets a daemon names in its banner. */
function bannerSockets(d: Daemon): { ioctl: string; control: string } {
  const m = /ioctl socket: (\S+), control socket: (\S+)\)/.exec(d.output());
  if (!m?.[1] || !m[2]) throw new Error(`no sockets in the banner: ${d.output()}`);
  return { ioctl: m[1], control: m[2] };
}

/** fusermount's auto_unmount helper for the daemon: a child of it (libfuse2 fuse_mount_fusermount). */
async function autoUnmountHelper(daemonPid: number): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
    if (/^Name:\s+fusermount$/m.test(status) && new RegExp(`^PPid:\\s+${daemonPid}$`, 'm').test(status)) return Number(name);
  }
  return undefined;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((res) => child.once('exit', () => res()));
}

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ndsim-lifecycle-'));
});
afterAll(async () => {
  const left = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(scratch));
  if (left.length === 0) await rm(scratch, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe('ndsim mount: stopping', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('unmounts cleanly on %s and removes its sockets', async (signal) => {
    // Default socket places for SIGINT, named ones for SIGTERM: both are removed.
    const dir = await mkdtemp(join(scratch, 'sock-'));
    const args = signal === 'SIGTERM' ? ['--socket', join(dir, 'io.sock'), '--control', join(dir, 'ctl.sock')] : [];
    const d = await startDaemon('nfit_test', 'real', args);
    try {
      const sockets = bannerSockets(d);
      expect([existsSync(sockets.ioctl), existsSync(sockets.control), await isMounted(d.mnt)]).toEqual([true, true, true]);
      d.child.kill(signal);
      const done = await waitFor(async () => d.child.exitCode !== null || d.child.signalCode !== null, 15_000);
      expect({ done, code: d.child.exitCode, signal: d.child.signalCode, output: d.output() }).toMatchObject({ done: true, code: 0, signal: null });
      expect(d.output()).toContain(`unmounted ${d.mnt}`);
      expect([await isMounted(d.mnt), existsSync(sockets.ioctl), existsSync(sockets.control)]).toEqual([false, false, false]);
    } finally {
      await d.stop();
    }
  });

  it('leaves no mount behind when the daemon is killed outright (auto-unmount)', async () => {
    const d = await startDaemon('nfit_test', 'real');
    try {
      expect(await autoUnmountHelper(d.child.pid ?? -1)).toBeDefined();
      d.child.kill('SIGKILL');
      expect(await waitFor(async () => !(await isMounted(d.mnt)), 10_000)).toBe(true);
    } finally {
      await d.stop();
    }
  });
});

describe('ndsim mount: an occupied mountpoint', () => {
  it('clears a stale mount (daemon and auto-unmount helper killed) with a message, then serves', async () => {
    const mnt = join(scratch, 'stale');
    await mkdir(mnt);
    const first = await startDaemon('nfit_test', 'real', [], { mnt });
    let second: Daemon | undefined;
    try {
      const helper = await autoUnmountHelper(first.child.pid ?? -1);
      if (helper === undefined) throw new Error('no auto-unmount helper found for the daemon');
      // The helper first, or it would unmount when the daemon dies.
      process.kill(helper, 'SIGKILL');
      first.child.kill('SIGKILL');
      await exited(first.child);
      const stale = await stat(mnt).then(
        () => 'reachable',
        (e: NodeJS.ErrnoException) => e.code,
      );
      expect([stale, await mountCount(mnt)]).toEqual(['ENOTCONN', 1]);
      second = await startDaemon('nfit_test', 'real', [], { mnt });
      expect(second.output()).toContain(`ndsim: ${mnt}: stale FUSE mount (ndsim-nfit_test, its daemon is gone); unmounting it first`);
      expect(await readAttr(join(mnt, PROVIDER))).toMatchObject({ ok: true, value: 'nfit_test.0\n' });
      expect(await mountCount(mnt)).toBe(1);
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  it("refuses a live mount of another daemon in one line and leaves it serving", async () => {
    const first = await startDaemon('nfit_test', 'real');
    try {
      const r = await ndsim(['mount', first.mnt]).ended;
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `ndsim: ${first.mnt} is already a live ndsim mount (ndsim-nfit_test); stop its daemon or run fusermount -u ${first.mnt} first, or choose another mountpoint`,
      ]);
      expect(await mountCount(first.mnt)).toBe(1);
      expect(await readAttr(join(first.mnt, PROVIDER))).toMatchObject({ ok: true, value: 'nfit_test.0\n' });
    } finally {
      await first.stop();
    }
  });
});

describe('ndsim mount: socket files', () => {
  /** A socket file whose listener was killed: what SIGKILL leaves of a daemon's socket. */
  async function deadSocket(dir: string, name: string): Promise<string> {
    // PID in the name becomes the listener's pid, dead by the time the daemon looks.
    const script = "const p = require('path').join(process.argv[1], process.argv[2].replace('PID', process.pid)); require('net').createServer().listen(p, () => console.log(p));";
    const holder = start(process.execPath, ['-e', script, dir, name]);
    await holder.saw('\n');
    holder.child.kill('SIGKILL');
    await holder.ended;
    const path = holder.output().trim();
    expect((await stat(path)).isSocket()).toBe(true);
    return path;
  }

  it('removes default sockets of killed daemons from the per-user directory, never a live one', async () => {
    const tmp = await mkdtemp(join(scratch, 'tmpdir-'));
    const dir = join(tmp, `ndsim-${process.getuid?.() ?? 0}`);
    await mkdir(dir, { mode: 0o700 });
    const dead = await deadSocket(dir, 'ioctl-PID.sock');
    // A live pid (this test's) keeps its socket, whoever listens on it.
    const liveServer = net.createServer();
    const live = join(dir, `control-${process.pid}.sock`);
    await new Promise<void>((res) => liveServer.listen(live, () => res()));
    const d = await startDaemon('nfit_test', 'virtual', [], { wrap: ['env', `TMPDIR=${tmp}`] });
    try {
      const own = bannerSockets(d);
      expect([own.ioctl, own.control]).toEqual([join(dir, `ioctl-${d.child.pid}.sock`), join(dir, `control-${d.child.pid}.sock`)]);
      expect([existsSync(dead), existsSync(live)]).toEqual([false, true]);
    } finally {
      await d.stop();
      await new Promise<void>((res) => liveServer.close(() => res()));
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces a stale named socket, refuses a live one and a file that is not a socket', async () => {
    const dir = await mkdtemp(join(scratch, 'named-'));
    const stale = await deadSocket(dir, 'stale.sock');
    const first = await startDaemon('nfit_test', 'virtual', ['--socket', stale, '--control', join(dir, 'ctl.sock')]);
    try {
      expect(bannerSockets(first).ioctl).toBe(stale);
      const plain = join(dir, 'notes.txt');
      await writeFile(plain, 'keep me\n');
      for (const [path, why] of [
        [stale, `${stale} is in use by a running daemon; stop it or choose another path`],
        [plain, `${plain} exists and is not a socket; choose another path`],
      ] as const) {
        const mnt = await mkdtemp(join(scratch, 'mnt-'));
        const r = await ndsim(['mount', '--socket', path, '--control', join(dir, 'other-ctl.sock'), mnt]).ended;
        expect([r.code, r.stderr]).toEqual([1, `ndsim: ${why}\n`]);
        expect(await mountCount(mnt)).toBe(0);
      }
      expect(await readFile(plain, 'utf8')).toBe('keep me\n');
      expect(existsSync(join(dir, 'other-ctl.sock'))).toBe(false);
      // The first daemon still answers on its socket.
      const sock = net.connect(stale);
      const connected = await new Promise<boolean>((res) => {
        sock.once('connect', () => res(true));
        sock.once('error', () => res(false));
      });
      sock.destroy();
      expect(connected).toBe(true);
    } finally {
      await first.stop();
    }
  });
});

describe('ndsim run: how it ends', () => {
  let tmp = '';
  beforeAll(async () => {
    // A private TMPDIR: whatever ndsim run leaves behind shows here.
    tmp = await mkdtemp(join(scratch, 'run-'));
    await chmod(tmp, 0o700);
  });
  const run = (args: string[]) => ndsim(['run', ...args], { ...process.env, TMPDIR: tmp });
  async function leftovers(): Promise<string[]> {
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(tmp));
    return [...mounts, ...(await readdir(tmp))];
  }

  for (const flags of [[], ['--no-namespace']]) {
    const mode = flags.length ? 'shim' : 'namespace';
    it(`hands back the exit status 0, 1, 42 and 127 for a missing command (${mode})`, async () => {
      const statuses = [];
      for (const command of [['true'], ['false'], ['sh', '-c', 'exit 42'], ['no-such-command-anywhere']]) {
        const r = await run([...flags, '--', ...command]).ended;
        statuses.push([r.code, r.signal]);
      }
      expect(statuses).toEqual([
        [0, null],
        [1, null],
        [42, null],
        [127, null],
      ]);
      expect(await leftovers()).toEqual([]);
    });

    it(`ends by the signal that killed the command, SIGTERM and SIGKILL (${mode})`, async () => {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const r = await run([...flags, '--', 'sh', '-c', `kill -${signal.slice(3)} $$`]).ended;
        expect([r.code, r.signal], r.stderr).toEqual([null, signal]);
      }
      expect(await leftovers()).toEqual([]);
    });
  }

  it.each(['SIGINT', 'SIGTERM'] as const)('passes %s on to the command and ends as it does', async (signal) => {
    // A command that dies of the signal: ndsim run dies of it too.
    const plain = run(['--', 'sh', '-c', 'echo ready; exec sleep 60']);
    expect(await plain.saw('ready')).toBe(true);
    plain.child.kill(signal);
    expect(await plain.ended).toMatchObject({ code: null, signal });
    // A command that handles it: its exit status comes back.
    const trapping = run(['--', 'sh', '-c', `trap 'echo caught; exit 3' ${signal.slice(3)}; echo ready; while :; do sleep 0.1; done`]);
    expect(await trapping.saw('ready')).toBe(true);
    trapping.child.kill(signal);
    expect(await trapping.ended).toMatchObject({ code: 3, signal: null, stdout: 'ready\ncaught\n' });
    expect(await leftovers()).toEqual([]);
  });

  it('killed outright (SIGKILL), it still takes its daemon and mount down', async () => {
    // SIGKILL cannot be passed on: the command lives on (we end it), the
    // daemon sees its standard input end and unmounts; only the empty
    // scratch directory remains, which nobody was left to remove.
    const r = run(['--', 'sh', '-c', 'echo "pid $$"; exec sleep 60']);
    expect(await r.saw('\n')).toBe(true);
    const command = Number(/^pid (\d+)$/m.exec(r.output())?.[1]);
    const scratchDirs = (await readdir(tmp)).filter((n) => n.startsWith('ndsim-run-'));
    expect(scratchDirs).toHaveLength(1);
    const daemonPids = async () => {
      const pids: number[] = [];
      for (const name of await readdir('/proc')) {
        const cmdline = /^\d+$/.test(name) ? await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '') : '';
        if (cmdline.includes(join(tmp, scratchDirs[0] ?? '-', 'root'))) pids.push(Number(name));
      }
      return pids;
    };
    expect((await daemonPids()).length).toBeGreaterThan(0);
    r.child.kill('SIGKILL');
    try {
      // 'exit', not 'close': the command still holds the output pipe.
      await exited(r.child);
      expect(r.child.signalCode).toBe('SIGKILL');
      const gone = await waitFor(async () => !(await readFile('/proc/mounts', 'utf8')).includes(tmp) && (await daemonPids()).length === 0, 15_000);
      expect(gone).toBe(true);
      const dir = join(tmp, scratchDirs[0] ?? '-');
      expect(await readdir(dir)).toEqual(['root']);
      expect(await readdir(join(dir, 'root'))).toEqual([]);
    } finally {
      process.kill(command, 'SIGKILL');
      await r.ended;
      for (const pid of await daemonPids()) process.kill(pid, 'SIGKILL');
      await rm(join(tmp, scratchDirs[0] ?? '-'), { recursive: true, force: true });
    }
    expect(await leftovers()).toEqual([]);
  });

  it('stopped before the command started, it runs nothing and leaves nothing', async () => {
    const r = run(['--', 'sh', '-c', 'echo started']);
    // Its scratch directory exists: ndsim run is starting the daemon, which
    // takes far longer than this poll. The signal is kept; the command never starts.
    expect(await waitFor(async () => (await readdir(tmp)).some((n) => n.startsWith('ndsim-run-')), 10_000)).toBe(true);
    r.child.kill('SIGTERM');
    const ended = await r.ended;
    expect(ended).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(ended.stdout).not.toContain('started');
    expect(await leftovers()).toEqual([]);
  });
});
