// Run a command the way `ndsim run` does: in a private mount namespace
// with a sys directory bound over /sys, and the shim preloaded for the
// /dev nodes. The same wrapper serves ndsim's mount and the static copy,
// so the two differ in what answers reads of /sys and nothing else.
import { spawn } from 'node:child_process';
import { SHIM } from './paths.js';

export interface Timed {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIND_AND_EXEC = 'mount --bind "$0" /sys && exec "$@"';

/** Run a program to its end (killed by its pid after `timeoutMs`), timing it from spawn to exit. */
export function runTimed(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), timeoutMs);
  return new Promise((res) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      res({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status, stdout, stderr });
    }),
  );
}

export function runBound(sysDir: string, devRoot: string, socket: string, argv: readonly string[], timeoutMs = 600_000): Promise<Timed> {
  const env = { ...process.env, LD_PRELOAD: SHIM, NDSIM_ROOT: devRoot, NDSIM_SOCKET: socket };
  return runTimed('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', BIND_AND_EXEC, sysDir, ...argv], env, timeoutMs);
}
