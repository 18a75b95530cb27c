// Unix socket paths for the ioctl and control services: claimed carefully
// (a stale socket of a killed daemon is replaced, a live one or any other
// file is never removed), listened on with a umask that leaves no moment
// in which another user could connect, and private default places.
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONNECT_PROBE_MS = 1000;
/** The default names: `${kind}-${pid}.sock` in the per-user directory. */
const DEFAULT_NAME = /^(?:ioctl|control)-(\d+)\.sock$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has that pid, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The per-user directory of default sockets, private to this user (0700). */
export function defaultSocketDir(): string {
  const dir = join(tmpdir(), `ndsim-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The name is predictable in a shared directory: someone else may have
  // made it first (or a symlink by that name). Use only a real directory of our own.
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(`${dir} is not a directory of this user; remove it, or name the sockets with --socket and --control`);
  }
  // mkdir leaves an existing directory's mode alone: make sure it is ours alone.
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * Remove the default sockets of daemons that no longer run (killed with
 * SIGKILL, they could not remove their own). A socket whose pid is alive
 * is left alone, whoever that process is now.
 */
export function removeStaleDefaultSockets(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = DEFAULT_NAME.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const path = join(dir, name);
    if (!lstatSync(path).isSocket()) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}

function answers(path: string): Promise<boolean> {
  return new Promise((res) => {
    const sock = net.connect(path);
    const done = (live: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      res(live);
    };
    const timer = setTimeout(() => done(true), CONNECT_PROBE_MS);
    sock.once('connect', () => done(true));
    // ECONNREFUSED: nobody listens (the owner died). Anything else: leave it be.
    sock.once('error', (e: NodeJS.ErrnoException) => done(e.code !== 'ECONNREFUSED'));
  });
}

/**
 * Make `path` free for a new listening socket: nothing there, or a socket
 * nobody listens on any more (removed). A live socket or a file that is
 * not a socket is refused with a one-line reason.
 */
export async function claimSocketPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; choose another path`);
  if (await answers(path)) throw new Error(`${path} is in use by a running daemon; stop it or choose another path`);
  rmSync(path, { force: true });
}

/**
 * Listen on `path` as 0600 from the first moment: bind(2) creates the
 * socket file with 0777 & ~umask, so the umask is 0177 while it does;
 * the chmod makes sure whatever the file system did.
 */
export async function listenPrivately(server: net.Server, path: string): Promise<void> {
  await claimSocketPath(path);
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(path, () => res());
    });
  } finally {
    process.umask(oldMask);
  }
  chmodSync(path, 0o600);
}
