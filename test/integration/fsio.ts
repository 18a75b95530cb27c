// Raw file operations on the mount, the way the captures were taken:
// one open, one read() or one write() of exact bytes, errno reported.
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';

export type IoResult = { ok: true; value: string; bytes: number } | { ok: false; op: 'open' | 'read' | 'write'; errno: number; code: string };

function failure(op: 'open' | 'read' | 'write', e: unknown): IoResult {
  const err = e as NodeJS.ErrnoException;
  return { ok: false, op, errno: -(err.errno ?? 0), code: err.code ?? 'UNKNOWN' };
}

export async function readAttr(path: string): Promise<IoResult> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY);
  } catch (e) {
    return failure('open', e);
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { ok: true, value: buf.subarray(0, bytesRead).toString('latin1'), bytes: bytesRead };
  } catch (e) {
    return failure('read', e);
  } finally {
    await fh.close();
  }
}

/** One write() of exactly `data` (sysw writes the value and its NUL; the shell writes value + "\n"). */
export async function writeAttr(path: string, data: string | Buffer): Promise<IoResult> {
  let fh;
  try {
    fh = await open(path, constants.O_WRONLY);
  } catch (e) {
    return failure('open', e);
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const { bytesWritten } = await fh.write(buf, 0, buf.length, 0);
    return { ok: true, value: '', bytes: bytesWritten };
  } catch (e) {
    return failure('write', e);
  } finally {
    await fh.close();
  }
}
