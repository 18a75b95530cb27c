// The gendisk nd_pmem registers for an enabled namespace: pmemN[.M], or
// pmemN[.M]s for a BTT. It is named after the namespace whose data it
// presents (nvdimm_namespace_disk_name) and registered under the device
// nd_pmem bound: the namespace itself (raw), or the pfn or btt device
// that claimed it. Its sysfs attributes belong to the block layer (see
// sysfs/gendisk.ts); the values that depend on the region live here.
import { KernelError } from '../kernel/errno.js';
import type { DevT, NdDevice } from './device.js';
import type { NdRegion } from './region.js';

/** What pmem_attach_disk() (or btt_blk_init()) decided about a disk. */
export interface PmemDiskSpec {
  readonly name: string;
  readonly devt: DevT;
  readonly diskseq: number;
  /** Capacity in bytes. */
  readonly bytes: bigint;
  readonly region: NdRegion;
  /** The device the disk is registered under (device_add_disk()'s parent). */
  readonly host: NdDevice;
  /**
   * The minor of the dax_device pmem_attach_disk() allocates for fsdax
   * (alloc_dax); device-dax instances draw from the same minors. A BTT
   * disk has none.
   */
  readonly daxMinor: number | undefined;
  /**
   * Where sector 0 lies in system physical address space: the namespace
   * start, or past a pfn's info block and memmap. Absent for a BTT, whose
   * sectors are translated (its I/O path is not modelled).
   */
  readonly dataStart: bigint | undefined;
  /** Which driver made it: pmem_attach_disk() or btt_blk_init(). */
  readonly driver: 'pmem' | 'btt';
  /** pmem_sector_size() for pmem (512 unless the namespace says 4096), btt->sector_size for a BTT. */
  readonly logicalBlockSize: number;
  /** PFN_MAP: the pages are mapped (a pfn device), so the queue is DAX-capable. */
  readonly pfnMap: boolean;
}

// The spec's fields are the disk's own (declaration merging with the class below).
export interface PmemDisk extends PmemDiskSpec {}

export class PmemDisk {
  /** Known bad ranges, (first sector, sectors), in sector order. */
  readonly badblocks: Array<[bigint, number]> = [];

  constructor(spec: PmemDiskSpec) {
    Object.assign(this, spec);
  }

  /** Bytes of the disk at `offset`, stopping at its end (a read past the end is short, as pread on a block device). */
  read(offset: bigint, length: number): Buffer {
    const n = this.span(offset, length);
    return this.region.media.read(this.mediaOffset(offset), n);
  }

  /** Write what fits before the end; returns how many bytes were written. */
  write(offset: bigint, data: Buffer): number {
    const n = this.span(offset, data.length);
    this.region.media.write(this.mediaOffset(offset), data.subarray(0, n));
    return n;
  }

  private span(offset: bigint, length: number): number {
    if (this.dataStart === undefined) throw new KernelError('EIO', 'BTT I/O is not modelled');
    if (offset < 0n) throw new KernelError('EINVAL');
    const left = this.bytes - offset;
    return left <= 0n ? 0 : Number(left < BigInt(length) ? left : BigInt(length));
  }

  private mediaOffset(offset: bigint): bigint {
    return (this.dataStart ?? 0n) - this.region.spec.spa + offset;
  }

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

  /** pmem_attach_disk(): FUA when the region has flush hints; btt_blk_init() asks for no write cache handling. */
  get fua(): boolean {
    return this.driver === 'pmem' && this.region.hasFlush === 1;
  }

  /** blk_queue_physical_block_size(q, PAGE_SIZE) for pmem; a BTT's follows its logical size. */
  get physicalBlockSize(): number {
    return this.driver === 'pmem' ? 4096 : this.logicalBlockSize;
  }

  /** nvdimm_has_cache(): a pmem region not already persistent through the CPU cache. */
  get daxWriteCache(): boolean {
    return this.region.spec.type === 'pmem' && this.region.spec.persistenceDomain !== 'cpu_cache';
  }
}
