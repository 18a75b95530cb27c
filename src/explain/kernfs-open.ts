// Opening a sysfs file the way a process does: kernfs's open check
// (fs/kernfs/file.c kernfs_fop_open decides EACCES at open), and one read
// the way cat does. Nothing is ever written.
import { errnoName, isKernelError } from '../kernel/errno.js';
import type { SysfsVfs } from '../sysfs/vfs.js';
import type { CurrentValue } from './explanation-types.js';

export { O_RDONLY, O_WRONLY } from '../kernel/open-flags.js';
/** Whether kernfs lets the file be opened this way (show for reading, store for writing); nothing is read or written. */
export function opens(vfs: SysfsVfs, path: string, flags: number): boolean {
  try {
    return vfs.permits(path, flags);
  } catch (e) {
    if (isKernelError(e)) return false;
    throw e;
  }
}

/** open, one read from offset 0 (which runs show()), release: what cat does. */
export function readValue(vfs: SysfsVfs, path: string): CurrentValue {
  const r = vfs.cat(path);
  return r.ok ? { ok: true, text: r.bytes.toString('latin1') } : { ok: false, errno: errnoName(r.errno) ?? `errno ${r.errno}`, during: r.during };
}
