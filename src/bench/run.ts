// npm run bench: what ndsim costs. Start-up (topology → model → tree),
// memory, in-process attribute reads, and reads through a mounted FUSE
// daemon (a child process, read asynchronously from here). Numbers are
// printed, never asserted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation } from '../daemon/daemon.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ACTIVATE = '/sys/devices/platform/nfit_test.0/ndbus0/nmem0/firmware/activate';

function ms(ns: bigint): string {
  return `${(Number(ns) / 1e6).toFixed(3)} ms`;
}

function time<T>(fn: () => T): [T, bigint] {
  const t0 = process.hrtime.bigint();
  const v = fn();
  return [v, process.hrtime.bigint() - t0];
}

function inProcess(): void {
  const before = process.memoryUsage().heapUsed;
  const [sim, startup] = time(() => createSimulation('nfit_test', 'virtual'));
  const [, firstTree] = time(() => sim.vfs.readdir('/sys/bus/nd/devices'));
  const heap = process.memoryUsage().heapUsed - before;
  const n = 20000;
  const [, reads] = time(() => {
    for (let i = 0; i < n; i++) {
      const h = sim.vfs.open(ACTIVATE, 0);
      sim.vfs.read(h, 4096, 0);
      sim.vfs.release(h);
    }
  });
  console.log(`start-up (topology+platform+model): ${ms(startup)}`);
  console.log(`first tree build: ${ms(firstTree)}`);
  console.log(`heap for one nfit_test simulation: ${(heap / 1024).toFixed(0)} KiB`);
  console.log(`in-process open+read+release of firmware/activate: ${ms(reads / BigInt(n))} each (${n} reads)`);
}

async function throughFuse(): Promise<void> {
  const mnt = await mkdtemp(join(tmpdir(), 'ndsim-bench-'));
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(REPO, 'bin/ndsim.js'), 'mount', '--clock', 'virtual', mnt], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    await new Promise<void>((res, rej) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('mounted at')) res();
      });
      child.once('exit', () => rej(new Error(`daemon exited: ${out}`)));
    });
    console.log(`daemon spawn to mounted: ${ms(process.hrtime.bigint() - t0)}`);
    const n = 2000;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const fh = await open(join(mnt, ACTIVATE), 'r');
      await fh.read(Buffer.alloc(4096), 0, 4096, 0);
      await fh.close();
    }
    console.log(`FUSE open+read+close of firmware/activate: ${ms((process.hrtime.bigint() - t1) / BigInt(n))} each (${n} reads)`);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    console.log(`daemon resident memory: ${/VmRSS:\s+(\d+ kB)/.exec(status)?.[1] ?? '?'}`);
  } finally {
    clearTimeout(killer);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    try {
      execFileSync('fusermount', ['-uz', mnt], { stdio: 'ignore' });
    } catch {
      // already unmounted by the daemon
    }
    await rmdir(mnt).catch(() => undefined);
  }
}

inProcess();
await throughFuse();
