// fuse-native behind MountableFs: each FUSE callback runs one synchronous
// call on the filesystem and answers with its result or its errno. Direct
// I/O keeps the kernel from caching content, so every read reaches show(),
// and a zero entry timeout makes every path walk ask which entries exist
// (sysfs semantics).
import { execFile } from 'node:child_process';
import createDebug from 'debug';
import Fuse from 'fuse-native';
import { ERRNO, isKernelError } from '../kernel/errno.js';
import type { MountableFs } from './filesystem.js';

const debug = createDebug('ndsim:fuse');

function errnoOf(e: unknown): number {
  if (isKernelError(e)) return -e.errno;
  debug('internal error: %O', e);
  process.stderr.write(`ndsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return -ERRNO.EIO;
}

function guard<T>(fn: () => T, ok: (value: T) => void, fail: (errno: number) => void): void {
  let value: T;
  try {
    value = fn();
  } catch (e) {
    fail(errnoOf(e));
    return;
  }
  ok(value);
}

function fusermount(args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile('fusermount', args, { timeout: 10_000 }, (err) => resolve(!err)));
}

export interface Mounted {
  readonly mountpoint: string;
  unmount(): Promise<void>;
}

export interface MountFsOptions {
  fsname?: string;
  /** FUSE allow_other: other users may enter (default: only the user who mounted). */
  allowOther?: boolean;
}

export async function mountFs(mountpoint: string, fs: MountableFs, opts: MountFsOptions = {}): Promise<Mounted> {
  const started = Date.now();
  // Built field by field (no spread): getattr is the most frequent request.
  const stat = (s: ReturnType<MountableFs['getattr']>): Fuse.Stat => ({
    mode: s.mode,
    size: s.size,
    nlink: s.nlink,
    rdev: s.rdev,
    uid: 0,
    gid: 0,
    mtime: started,
    atime: started,
    ctime: started,
  });
  const ops: Fuse.Ops = {
    getattr: (path, cb) => guard(() => stat(fs.getattr(path)), (s) => cb(0, s), (e) => cb(e)),
    fgetattr: (path, _fd, cb) => guard(() => stat(fs.getattr(path)), (s) => cb(0, s), (e) => cb(e)),
    readdir: (path, cb) => guard(() => fs.readdir(path), (names) => cb(0, names), (e) => cb(e)),
    readlink: (path, cb) => guard(() => fs.readlink(path), (t) => cb(0, t), (e) => cb(e)),
    open: (path, flags, cb) => guard(() => fs.open(path, flags), (h) => cb(0, h), (e) => cb(e)),
    release: (_path, fd, cb) => guard(() => fs.release(fd), () => cb(0), (e) => cb(e)),
    read: (_path, fd, buf, len, pos, cb) =>
      guard(
        () => fs.read(fd, len, pos),
        (data) => cb(data.copy(buf, 0, 0, Math.min(len, data.length))),
        (e) => cb(e),
      ),
    write: (_path, fd, buf, len, _pos, cb) =>
      guard(
        () => fs.write(fd, Buffer.from(buf.subarray(0, len))),
        (n) => cb(n),
        (e) => cb(e),
      ),
    truncate: (path, _size, cb) => guard(() => fs.truncate(path), () => cb(0), (e) => cb(e)),
    ftruncate: (path, _fd, _size, cb) => guard(() => fs.truncate(path), () => cb(0), (e) => cb(e)),
    access: (path, _mode, cb) => guard(() => fs.getattr(path), () => cb(0), (e) => cb(e)),
    // sysfs has no create/mkdir: the VFS answers EACCES for create, EPERM for the rest.
    create: (_path, _mode, cb) => cb(-ERRNO.EACCES),
    mknod: (_path, _mode, _dev, cb) => cb(-ERRNO.EPERM),
    mkdir: (_path, _mode, cb) => cb(-ERRNO.EPERM),
    unlink: (_path, cb) => cb(-ERRNO.EPERM),
    rmdir: (_path, cb) => cb(-ERRNO.EPERM),
    rename: (_src, _dest, cb) => cb(-ERRNO.EPERM),
    symlink: (_target, _path, cb) => cb(-ERRNO.EPERM),
    link: (_target, _path, cb) => cb(-ERRNO.EPERM),
    chmod: (_path, _mode, cb) => cb(-ERRNO.EPERM),
    chown: (_path, _uid, _gid, cb) => cb(-ERRNO.EPERM),
    utimens: (_path, _a, _m, cb) => cb(0),
  };
  // fuse-native turns on libfuse's per-request dump for any DEBUG with a
  // "*" (DEBUG=ndsim:* included). `debug` has read DEBUG already, so only
  // an explicit fuse-bindings request keeps it.
  if (!/fuse-bindings/.test(process.env['DEBUG'] ?? '')) delete process.env['DEBUG'];
  const fuse = new Fuse(mountpoint, ops, {
    // Not force: fuse-native would lazily unmount a stale mount without a
    // word. The daemon decides first (src/daemon/mountpoint.ts); fuse-native
    // still refuses a directory that is a mountpoint ("Mountpoint in use").
    force: false,
    mkdir: true,
    // fusermount's auto_unmount helper unmounts when this process dies, even by SIGKILL.
    autoUnmount: true,
    // Without allow_other only the mounting user gets in (fuse_allow_current_process);
    // with it, the kernel checks every access against the modes (generic_permission).
    allowOther: opts.allowOther === true,
    defaultPermissions: true,
    // Entries are looked up afresh on every path walk, so a removed
    // namespace is gone at once, as on sysfs (the kernel could not be told
    // to drop a cached entry: fuse-native offers no notify call). Each
    // LOOKUP reply refreshes the attributes it carries, and a sysfs file's
    // mode, size and times never change while its path names it, so the
    // attributes may be cached: that spares the GETATTR the permission
    // check (fs/fuse/dir.c fuse_permission, with default_permissions) sends
    // for every directory of every path when they have expired. Strings:
    // fuse-native drops a numeric 0 option as unset.
    attrTimeout: '3600',
    entryTimeout: '0',
    // Every answer is synchronous; fuse-native's per-request deadline
    // timers would cost a setTimeout/clearTimeout pair each and never fire.
    timeout: false,
    fsname: opts.fsname ?? 'ndsim',
    // libfuse's direct_io: every read reaches show() with the caller's own
    // size and a failing one fails that read, as on sysfs, instead of going
    // through the page cache (which retries a failed read once). fuse-native
    // has no option for it; it joins its -o options with commas, so it
    // rides on the last one.
    subtype: 'ndsim,direct_io',
  });
  await new Promise<void>((resolve, reject) => fuse.mount((err) => (err ? reject(new Error(`cannot mount FUSE at ${mountpoint}: ${err.message}`)) : resolve())));
  debug('mounted at %s', mountpoint);
  let unmounted = false;
  return {
    mountpoint,
    unmount: async () => {
      if (unmounted) return;
      unmounted = true;
      // fusermount from a child process, with this event loop free to answer
      // whatever the kernel still asks while the mount goes away. fuse-native's
      // own close joins its FUSE thread from the event loop and can deadlock
      // on a request in flight; the caller exits the process afterwards.
      if (!(await fusermount(['-u', mountpoint]))) await fusermount(['-uz', mountpoint]);
    },
  };
}
