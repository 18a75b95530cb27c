// The gendisk nd_pmem registers for an enabled namespace: pmemN[.M]. Its
// sysfs attributes belong to the block layer (see sysfs/gendisk.ts); the
// values that depend on the region live here.
import type { DevT } from './device.js';
import type { NdRegion } from './region.js';

export class PmemDisk {
  /** Known bad ranges, (first sector, sectors), in sector order. */
  readonly badblocks: Array<[bigint, number]> = [];

  constructor(
    readonly name: string,
    readonly devt: DevT,
    readonly diskseq: number,
    /** Capacity in bytes. */
    readonly bytes: bigint,
    readonly region: NdRegion,
  ) {}

  addBadblocks(sector: bigint, count: number): void {
    this.badblocks.push([sector, count]);
    this.badblocks.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  get sectors(): bigint {
    return this.bytes / 512n;
  }

  get readOnly(): boolean {
    return this.region.readOnly;
  }

  /** pmem_attach_disk(): FUA when the region has flush hints. */
  get fua(): boolean {
    return this.region.hasFlush === 1;
  }

  /** nvdimm_has_cache(): a pmem region not already persistent through the CPU cache. */
  get daxWriteCache(): boolean {
    return this.region.spec.type === 'pmem' && this.region.spec.persistenceDomain !== 'cpu_cache';
  }
}
