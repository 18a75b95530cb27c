// The persistent memory behind a region (nfit_test backs each SPA range
// with vmalloc'ed memory, tools/testing/nvdimm/test/nfit.c; real hardware
// with the DIMMs' media). ndsim stores only what was written: 4 KiB pages
// kept sparsely, everything else reads as zeros, the way freshly allocated
// nfit_test memory does. It outlives the region's driver, so metadata the
// kernel wrote (pfn/dax/btt info blocks) is found again after a disable
// and enable, as on the real device.

// With a state directory (ndsim mount --state) the pages start from what
// an earlier run kept and every page written is kept before the write
// returns: the info blocks that bring a namespace back in its mode.
import { KernelError } from '../kernel/errno.js';
import type { MediaBacking } from '../platform/state-keeper.js';

const PAGE = 4096;

export class PmemMedia {
  private readonly pages = new Map<number, Buffer>();

  constructor(
    /** The region's size in bytes: accesses beyond it are a bug in the caller. */
    readonly size: bigint,
    private readonly backing?: MediaBacking,
  ) {
    for (const [page, bytes] of backing?.pages ?? []) this.pages.set(page, Buffer.from(bytes));
  }

  private check(offset: bigint, length: number): void {
    if (offset < 0n || offset + BigInt(length) > this.size) throw new RangeError(`media access ${offset}+${length} outside ${this.size}`);
  }

  read(offset: bigint, length: number): Buffer {
    this.check(offset, length);
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const at = offset + BigInt(done);
      const page = Number(at / BigInt(PAGE));
      const within = Number(at % BigInt(PAGE));
      const n = Math.min(PAGE - within, length - done);
      this.pages.get(page)?.copy(out, done, within, within + n);
      done += n;
    }
    return out;
  }

  write(offset: bigint, data: Buffer): void {
    this.check(offset, data.length);
    let done = 0;
    while (done < data.length) {
      const at = offset + BigInt(done);
      const page = Number(at / BigInt(PAGE));
      const within = Number(at % BigInt(PAGE));
      const n = Math.min(PAGE - within, data.length - done);
      let buf = this.pages.get(page);
      if (!buf) {
        buf = Buffer.alloc(PAGE);
        this.pages.set(page, buf);
      }
      data.copy(buf, within, done, done + n);
      // A page of zeros is what an absent page reads as: keep the store sparse.
      const zero = buf.every((b) => b === 0);
      if (zero) this.pages.delete(page);
      this.keep(page, zero ? undefined : buf);
      done += n;
    }
  }

  private keep(page: number, bytes: Buffer | undefined): void {
    if (!this.backing) return;
    try {
      this.backing.pageWritten(page, bytes);
    } catch {
      // Not durable: the write fails as a media error would (the keeper traced why).
      throw new KernelError('EIO');
    }
  }
}
