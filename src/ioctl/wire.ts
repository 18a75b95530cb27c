// The shim ↔ daemon wire format (docs/shim-transport.md): 16-byte
// little-endian headers, requests {magic, op, arg, len} and replies
// {magic, kind, value, len}, each followed by len payload bytes.

export const WIRE_MAGIC = 0x4d53444e; // "NDSM"
export const HEADER_SIZE = 16;
export const OP = { OPEN: 1, IOCTL: 2 } as const;
/**
 * DONE: the result; NEED: send more leading bytes; UNLESS_FAULT: fail with
 * `value` unless the range in the 12-byte payload (u64 offset, u32 length)
 * of the argument cannot be read, then with EFAULT.
 */
export const REPLY = { DONE: 0, NEED: 1, UNLESS_FAULT: 2 } as const;
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
  /** Received bytes not yet consumed, in arrival order; joined only once a whole request is there. */
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Request[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Request[] = [];
    while (this.buffered >= HEADER_SIZE) {
      const head = this.peek(HEADER_SIZE);
      const magic = head.readUInt32LE(0);
      const len = head.readUInt32LE(12);
      if (magic !== WIRE_MAGIC) throw new WireError(`bad magic ${magic.toString(16)}`);
      if (len > MAX_PAYLOAD) throw new WireError(`payload of ${len} bytes`);
      // A large payload arrives in many chunks: wait for all of it instead of re-joining on each.
      if (this.buffered < HEADER_SIZE + len) break;
      const whole = this.peek(HEADER_SIZE + len);
      out.push({ op: whole.readUInt32LE(4), arg: whole.readUInt32LE(8), payload: Buffer.from(whole.subarray(HEADER_SIZE)) });
      this.consume(HEADER_SIZE + len);
    }
    return out;
  }

  /** The first n buffered bytes (n <= buffered) as one buffer. */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const first = this.chunks[0];
      if (!first) return;
      if (first.length > n) {
        this.chunks[0] = first.subarray(n);
        return;
      }
      n -= first.length;
      this.chunks.shift();
    }
  }
}

/** The UNLESS_FAULT payload: where the argument must be readable. */
export function encodeRange(offset: number, length: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeBigUInt64LE(BigInt(offset), 0);
  b.writeUInt32LE(length, 8);
  return b;
}

export function encodeReply(kind: number, value: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(WIRE_MAGIC, 0);
  header.writeUInt32LE(kind, 4);
  header.writeInt32LE(value, 8);
  header.writeUInt32LE(payload.length, 12);
  return payload.length ? Buffer.concat([header, payload]) : header;
}
