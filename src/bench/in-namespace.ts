// Run a command exactly as `ndsim run` does (src/cli/run.ts sandboxed():
// a private mount namespace with a sys directory bound over /sys, the shim
// preloaded for the /dev nodes), with either ndsim's mount or the static
// copy as that sys directory, so the two differ in what answers reads of
// /sys and nothing else.
import { spawn } from 'node:child_process';
import { sandboxed, type Endpoints } from '../cli/run.js';

export interface Timed {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

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

/**
 * `argv` against the simulation at `at`, with `sysRoot`/sys bound over
 * /sys (`at.root` for ndsim's own tree); the /dev nodes are always the
 * simulation's.
 */
export function runBound(at: Endpoints, sysRoot: string, argv: readonly string[], timeoutMs = 600_000): Promise<Timed> {
  const s = sandboxed({ ...at, root: sysRoot }, argv, true);
  // Where namespaces are refused the shim would redirect /sys to the mount for both sides.
  if (s.mode !== 'namespace') throw new Error('the benchmark needs a private mount namespace (unshare), to bind the static copy over /sys');
  return runTimed(s.file, s.args, { ...s.env, NDSIM_ROOT: at.root }, timeoutMs);
}
