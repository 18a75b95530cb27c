// Resolving a /sys path through the in-process vfs the way the kernel's
// path walk does: symlinks followed, ".." taken physically.
import { posix } from 'node:path';
import { isKernelError } from '../kernel/errno.js';
import type { FileStat, SysfsVfs } from '../sysfs/vfs.js';
import { ExplainError } from './explain-error.js';
import type { LinkStep } from './explanation-types.js';
import { isType, S_IFDIR, S_IFLNK } from './file-mode.js';

/** fs/namei.c MAXSYMLINKS */
const MAX_LINKS = 40;

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

function statOf(vfs: SysfsVfs, path: string): FileStat | null {
  try {
    return vfs.getattr(path);
  } catch (e) {
    if (isKernelError(e)) return null;
    throw e;
  }
}

/**
 * Resolve `path` as the kernel's path walk would: component by component,
 * each symlink replaced by its (relative or absolute) target, ".." taken
 * physically.
 */
export function resolve(vfs: SysfsVfs, path: string): { canonical: string; links: LinkStep[] } {
  if (!path.startsWith('/')) throw new ExplainError('EINVAL', `path must be absolute: ${path}`);
  const pending = split(path);
  const done: string[] = [];
  const links: LinkStep[] = [];
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (name === '.') continue;
    if (name === '..') {
      done.pop();
      continue;
    }
    const here = `/${[...done, name].join('/')}`;
    const st = statOf(vfs, here);
    if (!st) throw new ExplainError('ENOENT', `no such file: ${path}`);
    if (isType(st, S_IFLNK)) {
      if (links.length >= MAX_LINKS) throw new ExplainError('ELOOP', `too many levels of symbolic links: ${path}`);
      const target = vfs.readlink(here);
      links.push({ link: here, target });
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...split(target));
      continue;
    }
    if (pending.length > 0 && !isType(st, S_IFDIR)) throw new ExplainError('ENOTDIR', `not a directory: ${path}`);
    done.push(name);
  }
  return { canonical: `/${done.join('/')}`, links };
}

/** Where a link in `dir` points, resolved lexically (its target need not exist, e.g. /sys/bus/acpi). */
export function linkTarget(vfs: SysfsVfs, dir: string, name: string): string | null {
  const st = statOf(vfs, `${dir}/${name}`);
  if (!st || !isType(st, S_IFLNK)) return null;
  return posix.normalize(posix.join(dir, vfs.readlink(`${dir}/${name}`)));
}
