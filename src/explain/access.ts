// Who may read or write a file, directory or device node, in mode bits and
// in words.
import type { SysfsVfs } from '../sysfs/vfs.js';
import type { Access } from './explanation-types.js';
import { octal, symbolic } from './file-mode.js';
import { O_RDONLY, O_WRONLY, opens } from './kernfs-open.js';

/** sysfs files belong to root: the "other" bit opens them to everyone, the owner bit to root alone. */
function holders(mode: number, other: number): string {
  return mode & other ? 'anyone' : 'root only';
}

export function attributeAccess(vfs: SysfsVfs, path: string, mode: number): Access {
  const readable = opens(vfs, path, O_RDONLY);
  const writable = opens(vfs, path, O_WRONLY);
  return {
    octal: octal(mode),
    symbolic: symbolic('-', mode),
    readable,
    writable,
    read: readable ? holders(mode, 0o004) : 'no one: it has no show(), so open for reading fails EACCES, even for root',
    write: writable ? holders(mode, 0o002) : 'no one: it has no store(), so open for writing fails EACCES, even for root',
  };
}

export function directoryAccess(mode: number): Access {
  return { octal: octal(mode), symbolic: symbolic('d', mode), readable: true, writable: false, read: 'anyone may list it', write: 'no one: sysfs directories take no new files' };
}

/** A /dev node: opened like any device file, by whoever the mode bits let in. */
export function deviceNodeAccess(mode: number, nodeType: 'char' | 'block'): Access {
  return { octal: octal(mode), symbolic: symbolic(nodeType === 'char' ? 'c' : 'b', mode), readable: true, writable: true, read: holders(mode, 0o004), write: holders(mode, 0o002) };
}
