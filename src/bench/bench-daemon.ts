// The daemon under benchmark: `ndsim mount` as a child process, as users
// run it. Its start time is spawn → "mounted at" on stdout; its memory is
// VmRSS from /proc. Always taken down again (SIGTERM, then SIGKILL by pid,
// then fusermount -u/-uz), whatever happens to the benchmark.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './paths.js';

const START_TIMEOUT_MS = 120_000;

export interface BenchDaemon {
  readonly root: string;
  readonly socket: string;
  readonly pid: number;
  /** Spawn to "mounted at", in ms. */
  readonly startMs: number;
  rssKiB(): Promise<number>;
  stop(): Promise<void>;
}

async function mounted(mnt: string): Promise<boolean> {
  return (await readFile('/proc/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === mnt);
}

export async function startBenchDaemon(topology: string): Promise<BenchDaemon> {
  const dir = await mkdtemp(join(tmpdir(), 'ndsim-bench-'));
  const root = join(dir, 'root');
  const socket = join(dir, 'ioctl.sock');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'mount', '--topology', topology, '--clock', 'real', '--socket', socket, '--control', join(dir, 'control.sock'), root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    for (const args of [['-u', root], ['-uz', root]]) if (await mounted(root)) spawnSync('fusermount', args, { stdio: 'ignore', timeout: 10_000 });
    await rm(dir, { recursive: true, force: true });
  };
  const ok = await new Promise<boolean>((res) => {
    const t = setTimeout(() => res(false), START_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('mounted at')) {
        clearTimeout(t);
        res(true);
      }
    });
    void exited.then(() => {
      clearTimeout(t);
      res(false);
    });
  });
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!ok || pid === undefined) {
    await stop();
    throw new Error(`the daemon did not mount ${topology}: ${out.trim()}`);
  }
  return {
    root,
    socket,
    pid,
    startMs,
    rssKiB: async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN),
    stop,
  };
}
