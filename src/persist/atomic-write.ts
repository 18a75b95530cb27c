// Durable file replacement: a reader (or a restart after a crash) sees the
// old contents or the new, never a mix, and once the call returns the new
// contents survive a crash of the process or the machine. The recipe is
// the usual one: write a temporary file in the same directory, fsync it,
// rename it over the target (atomic within one file system), then fsync
// the directory so the rename itself is on disk.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files are named so that a loader can recognise (and drop) those a crash left behind. */
export const TEMP_MARK = '.tmp-';

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}`);
}

/** fsync a directory, making the entries created, renamed or removed in it durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace `path` with `data`, durably; returns once both the data and the rename are on disk. */
export function atomicWriteFileSync(path: string, data: Uint8Array): void {
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Remove `path` durably; a file already gone is fine. */
export function atomicRemoveSync(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  fsyncDir(dirname(path));
}
