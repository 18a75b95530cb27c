// Opening a sysfs file the way a process does: kernfs's open check
// (fs/kernfs/file.c kernfs_fop_open decides EACCES at open), and one read
// the way cat does. Nothing is ever written.
import { errnoName, isKernelError } from '../kernel/errno.js';
import { O_RDONLY } from '../kernel/open-flags.js';
import type { SysfsVfs } from '../sysfs/vfs.js';
import type { CurrentValue } from './explanation-types.js';

export { O_RDONLY, O_WRONLY } from '../kernel/open-flags.js';
/** A show() fills at most one page. */
const PAGE_SIZE = 4096;

/** Whether kernfs lets the file be opened this way (show for reading, store for writing); nothing is read or written. */
export function opens(vfs: SysfsVfs, path: string, flags: number): boolean {
  try {
    return vfs.permits(path, flags);
  } catch (e) {
    if (isKernelError(e)) return false;
    throw e;
  }
}

function errnoText(e: unknown): string {
  if (!isKernelError(e)) throw e;
  return errnoName(e.errno) ?? `errno ${e.errno}`;
}

/** open, one read from offset 0 (which runs show()), release: what cat does. */
export function readValue(vfs: SysfsVfs, path: string): CurrentValue {
  let handle: number;
  try {
    handle = vfs.open(path, O_RDONLY);
  } catch (e) {
    return { ok: false, errno: errnoText(e), during: 'open' };
  }
  try {
    return { ok: true, text: vfs.read(handle, PAGE_SIZE, 0).toString('latin1') };
  } catch (e) {
    return { ok: false, errno: errnoText(e), during: 'read' };
  } finally {
    vfs.release(handle);
  }
}
