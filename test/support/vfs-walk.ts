// Walk the in-process fake root the way the kernel captures were taken
// (lstat, readlink, readdir, one open + read), producing the same entries
// as test/fixtures/*/tree-*.jsonl, without FUSE.
import { isKernelError } from '../../src/kernel/errno.js';
import type { SysfsVfs } from '../../src/sysfs/vfs.js';
import type { Entry } from './tree-capture.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const O_RDONLY = 0;

function errnoOf(e: unknown): number {
  if (isKernelError(e)) return e.errno;
  throw e;
}

export function walkVfs(vfs: SysfsVfs, root: string, out: Map<string, Entry> = new Map()): Map<string, Entry> {
  const st = vfs.getattr(root);
  // The FUSE adapter reports every node as root's.
  const base = { path: root, mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: 0, gid: 0 };
  if ((st.mode & S_IFMT) === S_IFLNK) {
    out.set(root, { ...base, type: 'link', target: vfs.readlink(root) });
  } else if ((st.mode & S_IFMT) === S_IFDIR) {
    out.set(root, { ...base, type: 'dir' });
    for (const name of [...vfs.readdir(root)].sort()) walkVfs(vfs, `${root}/${name}`, out);
  } else {
    let handle: number;
    try {
      handle = vfs.open(root, O_RDONLY);
    } catch (e) {
      out.set(root, { ...base, type: 'file', size: st.size, op: 'open', errno: errnoOf(e) });
      return out;
    }
    try {
      const content = vfs.read(handle, 4096, 0).toString('latin1');
      out.set(root, { ...base, type: 'file', size: st.size, content });
    } catch (e) {
      out.set(root, { ...base, type: 'file', size: st.size, op: 'read', errno: errnoOf(e) });
    } finally {
      vfs.release(handle);
    }
  }
  return out;
}
