// Run the ndsim daemon as a child process against a fresh mountpoint, and
// always take it down again: SIGTERM, then SIGKILL by pid, then
// fusermount -u / -uz until /proc/mounts no longer lists the mountpoint.
// Everything here is asynchronous: this process must never block on a
// mount served by the event loop of a process it is waiting for.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'bin/ndsim.js');
/** No test may keep a daemon longer than this, whatever happens to the test. */
const DAEMON_LIFETIME_MS = 10 * 60_000;
const START_TIMEOUT_MS = 20_000;

export interface Daemon {
  readonly mnt: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function isMounted(mnt: string): Promise<boolean> {
  const mounts = await readFile('/proc/mounts', 'utf8');
  return mounts.split('\n').some((l) => l.split(' ')[1] === mnt);
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

async function forceUnmount(mnt: string): Promise<void> {
  for (const args of [['-u', mnt], ['-uz', mnt]]) {
    if (!(await isMounted(mnt))) return;
    spawnSync('fusermount', args, { stdio: 'ignore', timeout: 10_000 });
  }
}

export interface StartOptions {
  /** Mount here instead of a fresh temporary directory (left in place by stop()). */
  mnt?: string;
  /** A command prefix that ends by exec'ing the daemon (keeping its pid), e.g. ['env', 'TMPDIR=…']. */
  wrap?: string[];
}

export async function startDaemon(topology = 'nfit_test', clock: 'virtual' | 'real' = 'virtual', extraArgs: string[] = [], opts: StartOptions = {}): Promise<Daemon> {
  const mnt = opts.mnt ?? (await mkdtemp(join(tmpdir(), 'ndsim-test-')));
  const argv = [process.execPath, CLI, 'mount', '--topology', topology, '--clock', clock, ...extraArgs, mnt];
  const [file = process.execPath, ...args] = [...(opts.wrap ?? []), ...argv];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), DAEMON_LIFETIME_MS);
  watchdog.unref();

  const stop = async () => {
    clearTimeout(watchdog);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    }
    await forceUnmount(mnt);
    if (opts.mnt === undefined) await rmdir(mnt).catch(() => undefined);
  };

  const started = await new Promise<boolean>((res) => {
    const t = setTimeout(() => res(false), START_TIMEOUT_MS);
    const check = () => {
      if (out.includes('mounted at')) {
        clearTimeout(t);
        res(true);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => {
      clearTimeout(t);
      res(false);
    });
    check();
  });
  if (!started) {
    await stop();
    throw new Error(`ndsim did not mount ${topology}: ${out}`);
  }
  return { mnt, child, output: () => out, stop };
}
