// st_mode as stat(2) reports it: the file-type bits, and the permission
// bits rendered the way ls does.
import { S_IFMT, type FileStat } from '../sysfs/vfs.js';

export { S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from '../sysfs/vfs.js';

export const isType = (st: FileStat, type: number) => (st.mode & S_IFMT) === type;

/** "-rw-------": `type` is the leading file-type letter. */
export function symbolic(type: string, mode: number): string {
  const bits = ['r', 'w', 'x'];
  let s = type;
  for (let shift = 6; shift >= 0; shift -= 3) for (let b = 0; b < 3; b++) s += (mode >> (shift + 2 - b)) & 1 ? bits[b] : '-';
  return s;
}

/** "0600" */
export const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');
