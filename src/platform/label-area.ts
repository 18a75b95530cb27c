// A DIMM's label storage area: the config data behind get_config_size,
// get_config_data and set_config_data (or _LSI/_LSR/_LSW on ACPI).
import { ERRNO } from '../kernel/errno.js';

/** Makes the whole area durable after a write; throws if it cannot. */
export type LabelSink = (bytes: Buffer) => void;

export class LabelArea {
  /** Allocated at the first write: a thousand untouched 128 KiB areas cost nothing. */
  private store: Buffer | undefined;
  /** Set by the platform when a state directory keeps this area. */
  sink: LabelSink | undefined;
  constructor(
    readonly size: number,
    readonly maxXfer: number,
    /** What the platform leaves at offset 0 (nfit_test writes "label<N>"); no valid index either way. */
    private readonly initial = '',
  ) {}

  /** The whole area (allocated from here on). */
  get bytes(): Buffer {
    if (!this.store) {
      this.store = Buffer.alloc(this.size);
      this.store.write(this.initial.slice(0, this.size), 0, 'latin1');
    }
    return this.store;
  }

  /**
   * nfit_test_cmd_get_config_data(): copy up to `length` bytes from `offset`
   * into `out`; returns the bytes left unfilled or a negative errno.
   */
  read(offset: number, length: number, out: Buffer): number {
    if (offset >= this.size) return -ERRNO.EINVAL;
    const n = Math.min(length, this.size - offset, out.length);
    if (this.store) this.store.copy(out, 0, offset, offset + n);
    else {
      // Never written: zeros, but for what the platform left at the start.
      out.fill(0, 0, n);
      if (offset < this.initial.length) out.write(this.initial.slice(offset, Math.min(this.size, offset + n)), 0, 'latin1');
    }
    return length - n;
  }

  /** Contents kept from an earlier run (exactly `size` bytes, checked by the loader). */
  restore(saved: Buffer): void {
    saved.copy(this.bytes, 0, 0, this.size);
  }

  /**
   * nfit_test_cmd_set_config_data(): the counterpart for a write. With a
   * sink, the write succeeds only once it is durable; if it cannot be made
   * durable the area keeps its old bytes and the command fails -EIO, so no
   * caller is ever told of a write a restart would lose.
   */
  write(offset: number, data: Buffer): number {
    if (offset >= this.size) return -ERRNO.EINVAL;
    const n = Math.min(data.length, this.size - offset);
    const before = this.sink ? Buffer.from(this.bytes.subarray(offset, offset + n)) : undefined;
    data.copy(this.bytes, offset, 0, n);
    if (this.sink && before) {
      try {
        this.sink(this.bytes);
      } catch {
        before.copy(this.bytes, offset);
        return -ERRNO.EIO;
      }
    }
    return data.length - n;
  }
}
