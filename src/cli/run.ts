// `ndsim run` and `ndsim shell`: start a daemon for a topology, run a
// command that sees the fake /sys and /dev at their real paths, take
// everything down again and hand back the command's exit status.
//
// Default: a private mount namespace (unshare) with the fake sys bound over
// /sys, and the LD_PRELOAD shim for /dev/ndctlN and /dev/nmemN only.
// --no-namespace, or where namespaces are refused: the shim redirects /sys
// as well. This process only spawns and waits; it never touches the mount.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import createDebug from 'debug';

const debug = createDebug('ndsim:run');
const PACKAGE_ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(PACKAGE_ROOT, 'bin/ndsim.js');
export const SHIM = join(PACKAGE_ROOT, 'native-shim/build/libndsim.so');
const LIBEXEC = join(PACKAGE_ROOT, 'libexec');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface SimulationOptions {
  topology: string;
  clock: 'real' | 'virtual';
  /** Redirect /sys through the shim instead of a mount namespace. */
  noNamespace: boolean;
  /** ndsim mount --state / --reset-state for the daemon. */
  state?: string;
  resetState?: boolean;
}

export interface RunOptions extends SimulationOptions {
  command: readonly string[];
}

/** Where a running simulation can be reached. */
export interface Endpoints {
  /** The mount: sys/, dev/ and .ndsim/ below it. */
  readonly root: string;
  /** The ioctl service (NDSIM_SOCKET). */
  readonly socket: string;
  /** The control service (NDSIM_CONTROL): inject, trace, report, explain. */
  readonly control: string;
}

/** A simulation `withSimulation` started: where it is reached, and its daemon's process. */
export interface RunningSimulation extends Endpoints {
  readonly pid: number;
}

interface Daemon extends RunningSimulation {
  readonly child: ChildProcess;
  output(): string;
}

function isMounted(mnt: string): boolean {
  // /proc/mounts is the kernel's, never the FUSE mount's: safe to read synchronously.
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === mnt);
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

async function startDaemon(dir: string, opts: SimulationOptions): Promise<Daemon> {
  const root = join(dir, 'root');
  const socket = join(dir, 'ioctl.sock');
  const control = join(dir, 'control.sock');
  mkdirSync(root);
  const persist = [...(opts.state === undefined ? [] : ['--state', resolve(opts.state)]), ...(opts.resetState ? ['--reset-state'] : [])];
  // Its standard input is a pipe this process never writes or closes: if
  // this process is killed outright, the pipe ends and the daemon unmounts.
  const child = spawn(process.execPath, [CLI, 'mount', '--topology', opts.topology, '--clock', opts.clock, '--socket', socket, '--control', control, '--stop-on-stdin-eof', ...persist, root], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  // The daemon's own errors go to the user; its banner stays out of the command's output.
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
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
  });
  const daemon = { child, root, socket, control, pid: child.pid ?? 0, output: () => out };
  if (!started) {
    await stopDaemon(daemon);
    throw new Error(`the daemon did not mount ${opts.topology}${out ? `: ${out}` : ''}`);
  }
  return daemon;
}

async function stopDaemon(d: Daemon): Promise<void> {
  if (d.child.exitCode === null && d.child.signalCode === null) {
    d.child.kill('SIGTERM');
    if (!(await waitExit(d.child, STOP_TIMEOUT_MS))) {
      d.child.kill('SIGKILL');
      await waitExit(d.child, STOP_TIMEOUT_MS);
    }
  }
  for (const args of [['-u', d.root], ['-uz', d.root]]) {
    if (!isMounted(d.root)) break;
    spawnSync('fusermount', args, { stdio: 'ignore', timeout: STOP_TIMEOUT_MS });
  }
}

let unshareProbe: string[] | null | undefined;

/** Whether this process may make a private mount namespace (as root, or through a user namespace). */
function unshareArgs(): string[] | null {
  if (unshareProbe !== undefined) return unshareProbe;
  const args = ['--mount', '--propagation', 'private'];
  if (process.getuid?.() !== 0) args.push('--map-root-user');
  const probe = spawnSync('unshare', [...args, 'true'], { stdio: 'ignore', timeout: 10_000 });
  unshareProbe = probe.status === 0 ? args : null;
  return unshareProbe;
}

export interface Sandboxed {
  readonly file: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  /** How the command sees the fake /sys. */
  readonly mode: 'namespace' | 'shim';
}

/**
 * How to start `command` so that it sees the simulation at `at.root`
 * (served with its ioctl socket at `at.socket`) at the real paths; `ndsim`
 * on its PATH reaches the same instance's control service.
 */
export function sandboxed(at: Endpoints, command: readonly string[], namespace: boolean): Sandboxed {
  const { root, socket, control } = at;
  const preload = [SHIM, process.env['LD_PRELOAD']].filter(Boolean).join(' ');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: preload,
    NDSIM_ROOT: root,
    NDSIM_SOCKET: socket,
    NDSIM_CONTROL: control,
    NDSIM_NODE: process.execPath,
    PATH: `${LIBEXEC}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
  };
  delete env['NDSIM_SYS'];
  const ns = namespace ? unshareArgs() : null;
  if (!ns) {
    debug('no mount namespace: the shim redirects /sys');
    return { file: command[0] ?? 'true', args: command.slice(1), env: { ...env, NDSIM_SYS: '1' }, mode: 'shim' };
  }
  // The bind happens inside the namespace, then the command replaces the shell.
  const script = 'mount --bind "$0/sys" /sys && exec "$@"';
  return { file: 'unshare', args: [...ns, '--', '/bin/sh', '-c', script, root, ...command], env, mode: 'namespace' };
}

/**
 * Start a simulation, hand its endpoints to `body`, and take everything
 * down again (daemon, mount, temporary directory) however `body` ends.
 */
export async function withSimulation<T>(opts: SimulationOptions, body: (at: RunningSimulation) => Promise<T>): Promise<T> {
  if (!existsSync(SHIM)) throw new Error(`the preload shim is not built (${SHIM}); run make`);
  const dir = mkdtempSync(join(tmpdir(), 'ndsim-run-'));
  let daemon: Daemon | undefined;
  try {
    daemon = await startDaemon(dir, opts);
    return await body(daemon);
  } finally {
    if (daemon) await stopDaemon(daemon);
    const root = join(dir, 'root');
    if (!isMounted(root)) {
      for (const f of ['ioctl.sock', 'control.sock']) rmSync(join(dir, f), { force: true });
      rmdirSync(root);
      rmdirSync(dir);
    }
  }
}

/** How the command ended: its exit status, or the signal that killed it. */
export type CommandEnd = { readonly code: number } | { readonly signal: NodeJS.Signals };

/** Signals `ndsim run` passes on to the command (a terminal's Ctrl-C, a CI job's cancel, a lost session). */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Run the command against a fresh simulation and tell how it ended. A
 * forwarded signal that arrives before the command started (the daemon is
 * still coming up) is kept: the command is then not started at all, and
 * the run ends as if it had been killed by that signal.
 */
export async function runWithSimulation(opts: RunOptions): Promise<CommandEnd> {
  let child: ChildProcess | undefined;
  let pending: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    if (child) child.kill(signal);
    else pending ??= signal;
  };
  for (const s of FORWARDED) process.on(s, forward);
  try {
    return await withSimulation(opts, async (at): Promise<CommandEnd> => {
      if (pending) return { signal: pending };
      const { file, args, env } = sandboxed(at, opts.command, !opts.noNamespace);
      const started = spawn(file, args, { stdio: 'inherit', env });
      child = started;
      return new Promise<CommandEnd>((res) => {
        started.once('error', (e) => {
          process.stderr.write(`ndsim: ${opts.command[0] ?? ''}: ${e.message}\n`);
          res({ code: 127 });
        });
        started.once('exit', (code, signal) => res(signal ? { signal } : { code: code ?? 0 }));
      });
    });
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
  }
}

/** How long to wait for a re-raised signal to end this process before exiting with 128+N instead. */
const RERAISE_GRACE_MS = 1000;

/**
 * End this process the way the command ended (after the teardown): with
 * its exit status, or killed by the same signal, as env(1) and sudo do, so
 * that a parent's wait() sees WIFSIGNALED and a shell stops a loop on
 * Ctrl-C. A signal Node ignores (SIGPIPE) cannot be re-raised: 128+N then.
 */
export function endLike(end: CommandEnd): void {
  if ('code' in end) process.exit(end.code);
  for (const s of FORWARDED) process.removeAllListeners(s);
  setTimeout(() => process.exit(128 + constants.signals[end.signal]), RERAISE_GRACE_MS);
  process.kill(process.pid, end.signal);
}
