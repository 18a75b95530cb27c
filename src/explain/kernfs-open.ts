// Opening a sysfs file the way a process does: probes that open and release
// at once (kernfs decides EACCES at open, fs/kernfs/file.c kernfs_fop_open),
// and one read the way cat does. Nothing is ever written.
import { errnoName, isKernelError } from '../kernel/errno.js';
import type { SysfsVfs } from '../sysfs/vfs.js';
import type { CurrentValue } from './explanation-types.js';

export const O_RDONLY = 0;
export const O_WRONLY = 1;
/** A show() fills at most one page. */
const PAGE_SIZE = 4096;

/** Whether kernfs lets the file be opened this way (show for reading, store for writing); nothing is read or written. */
export function opens(vfs: SysfsVfs, path: string, flags: number): boolean {
  try {
    vfs.release(vfs.open(path, flags));
    return true;
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
