// The shim ↔ daemon wire format (docs/shim-transport.md): 16-byte
// little-endian headers, requests {magic, op, arg, len} and replies
// {magic, kind, value, len}, each followed by len payload bytes.

export const WIRE_MAGIC = 0x4d53444e; // "NDSM"
export const HEADER_SIZE = 16;
export const OP = { OPEN: 1, IOCTL: 2 } as const;
export const REPLY = { DONE: 0, NEED: 1 } as const;
/** Longest payload a request may carry: a whole ioctl buffer plus slack. */
export const MAX_PAYLOAD = 8 * 1024 * 1024;

export interface Request {
  readonly op: number;
  readonly arg: number;
  readonly payload: Buffer;
}

export class WireError extends Error {}

/**
 * Splits a byte stream into requests. Returns the requests complete so far
 * and keeps the remainder; a bad header is a protocol error.
 */
export class RequestReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Request[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Request[] = [];
    while (this.pending.length >= HEADER_SIZE) {
      const magic = this.pending.readUInt32LE(0);
      const len = this.pending.readUInt32LE(12);
      if (magic !== WIRE_MAGIC) throw new WireError(`bad magic ${magic.toString(16)}`);
      if (len > MAX_PAYLOAD) throw new WireError(`payload of ${len} bytes`);
      if (this.pending.length < HEADER_SIZE + len) break;
      out.push({
        op: this.pending.readUInt32LE(4),
        arg: this.pending.readUInt32LE(8),
        payload: Buffer.from(this.pending.subarray(HEADER_SIZE, HEADER_SIZE + len)),
      });
      this.pending = this.pending.subarray(HEADER_SIZE + len);
    }
    return out;
  }
}

export function encodeReply(kind: number, value: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(WIRE_MAGIC, 0);
  header.writeUInt32LE(kind, 4);
  header.writeInt32LE(value, 8);
  header.writeUInt32LE(payload.length, 12);
  return payload.length ? Buffer.concat([header, payload]) : header;
}
