// Run real programs (Debian's ndctl, sh) against a daemon the test started,
// the way `ndsim run` does it: in a private mount namespace with the fake
// sys bound over /sys, or with the shim redirecting /sys. Every process has
// a deadline and is killed by its pid.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxed } from '../../src/cli/run.js';
import { startDaemon, type Daemon } from '../integration/daemon-harness.js';

const COMMAND_TIMEOUT_MS = 60_000;

export type Mode = 'namespace' | 'shim';

export interface Outcome {
  stdout: string;
  stderr: string;
  rc: number;
}

export interface Simulation {
  readonly daemon: Daemon;
  readonly socket: string;
  readonly control: string;
  run(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<Outcome>;
  stop(): Promise<void>;
}

export async function startSimulation(mode: Mode, topology = 'nfit_test', clock: 'virtual' | 'real' = 'virtual'): Promise<Simulation> {
  const dir = await mkdtemp(join(tmpdir(), 'ndsim-e2e-'));
  const socket = join(dir, 'ioctl.sock');
  const control = join(dir, 'control.sock');
  const daemon = await startDaemon(topology, clock, ['--socket', socket, '--control', control]);
  const run = (argv: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const s = sandboxed({ root: daemon.mnt, socket, control }, argv, mode === 'namespace');
    if (s.mode !== mode) throw new Error(`wanted ${mode}, the sandbox gave ${s.mode}`);
    return runProcess(s.file, s.args, { ...s.env, ...extraEnv });
  };
  return {
    daemon,
    socket,
    control,
    run,
    stop: async () => {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function runProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${COMMAND_TIMEOUT_MS} ms]`;
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, COMMAND_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: `${stderr}${e.message}`, rc: 127 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, rc: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15) });
    });
  });
}
