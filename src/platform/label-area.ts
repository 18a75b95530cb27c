// A DIMM's label storage area: the config data behind get_config_size,
// get_config_data and set_config_data (or _LSI/_LSR/_LSW on ACPI).
import { ERRNO } from '../kernel/errno.js';

export class LabelArea {
  readonly bytes: Buffer;
  constructor(
    readonly size: number,
    readonly maxXfer: number,
    /** What the platform leaves at offset 0 (nfit_test writes "label<N>"); no valid index either way. */
    initial = '',
  ) {
    this.bytes = Buffer.alloc(size);
    this.bytes.write(initial.slice(0, size), 0, 'latin1');
  }

  /**
   * nfit_test_cmd_get_config_data(): copy up to `length` bytes from `offset`
   * into `out`; returns the bytes left unfilled or a negative errno.
   */
  read(offset: number, length: number, out: Buffer): number {
    if (offset >= this.size) return -ERRNO.EINVAL;
    const n = Math.min(length, this.size - offset, out.length);
    this.bytes.copy(out, 0, offset, offset + n);
    return length - n;
  }

  /** nfit_test_cmd_set_config_data(): the counterpart for a write. */
  write(offset: number, data: Buffer): number {
    if (offset >= this.size) return -ERRNO.EINVAL;
    const n = Math.min(data.length, this.size - offset);
    data.copy(this.bytes, offset, 0, n);
    return data.length - n;
  }
}
