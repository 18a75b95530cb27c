// Capacity accounting and DPA allocation for label-backed (pmem) namespaces:
// drivers/nvdimm/dimm_devs.c (dpa_align, nd_pmem_available_dpa,
// nd_pmem_max_contiguous_dpa, nvdimm_allocated_dpa), region_devs.c
// (nd_region_available_dpa, nd_region_allocatable_dpa) and
// namespace_devs.c (space_valid, scan_allocate, init_dpa_allocation,
// merge_dpa, __reserve_free_pmem, release_free_pmem, grow/shrink). The
// kernel's unsigned wrap-around is kept where it decides outcomes.
import { ERRNO } from '../kernel/errno.js';
import type { NvdimmDrvdata } from './dimm-drvdata.js';
import { resourceSize, u64, type DpaResource } from './dpa-resource.js';
import type { NdRegion, RegionMapping } from './region.js';

/** The label id free space is reserved under while it is being measured. */
const PMEM_RESERVE = 'pmem-reserve';

/** ALIGN(): round up with the kernel's mask arithmetic. */
function alignUp(x: bigint, a: bigint): bigint {
  return u64((x + a - 1n) & ~(a - 1n));
}

/** ALIGN_DOWN() */
function alignDown(x: bigint, a: bigint): bigint {
  return u64(x & ~(a - 1n));
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** to_ndd(): the DIMM's current driver data, not the reference the region took at probe. */
export function toNdd(m: RegionMapping): NvdimmDrvdata | undefined {
  return m.dimm.drvdata;
}

/** dpa_align(): the region's alignment per DIMM; 0 when it does not divide by the mappings. */
function dpaAlign(region: NdRegion): bigint {
  const n = BigInt(region.mappings.length);
  if (n === 0n || region.align % n !== 0n) return 0n;
  return region.align / n;
}

/**
 * nd_pmem_available_dpa(): what is left of one mapping once every DPA
 * allocation on the DIMM touching it, rounded out to the alignment, is
 * counted busy; 0 when an allocation straddles the mapping's end.
 */
export function pmemAvailableDpa(region: NdRegion, m: RegionMapping): bigint {
  const ndd = toNdd(m);
  if (!ndd) return 0n;
  const align = dpaAlign(region);
  if (!align) return 0n;
  const mapStart = m.dpa;
  const mapEnd = u64(mapStart + m.size - 1n);
  let busy = 0n;
  for (const res of ndd.dpa.list()) {
    const start = alignDown(res.start, align);
    const end = u64(alignUp(res.end + 1n, align) - 1n);
    if (start >= mapStart && start < mapEnd) {
      if (end > mapEnd) return 0n;
      busy += end - start + 1n;
    } else if (end >= mapStart && end <= mapEnd) {
      busy += end - start + 1n;
    } else if (mapStart > start && mapStart < end) {
      // The allocation eclipses the whole mapping.
      busy += m.size;
    }
  }
  return busy < m.size ? alignDown(m.size - busy, align) : 0n;
}

interface Range {
  start: bigint;
  end: bigint;
}

/**
 * space_valid(): trim a free range to the alignment, then decide whether it
 * may take (part of) the allocation: any space serves a reservation; a
 * namespace needs `n` contiguous bytes adjacent to what it already has.
 */
function spaceValid(region: NdRegion, labelId: string, exist: DpaResource | undefined, n: bigint, valid: Range): void {
  const align = region.align / BigInt(region.mappings.length);
  valid.start = alignUp(valid.start, align);
  valid.end = u64(alignDown(valid.end + 1n, align) - 1n);
  const invalid = () => {
    valid.end = u64(valid.start - 1n);
  };
  if (valid.start >= valid.end) return invalid();
  if (labelId === PMEM_RESERVE) return;
  if (resourceSize(valid) < n) return invalid();
  if (!exist) return;
  if (valid.start === u64(exist.end + 1n) || valid.end === u64(exist.start - 1n)) return;
  invalid();
}

const enum Loc {
  ERR,
  BEFORE,
  MID,
  AFTER,
}

/**
 * scan_allocate(): place `n` bytes for `labelId` inside one mapping, in the
 * free space before, between or after the DIMM's allocations, growing an
 * adjacent allocation of the same id where there is one. Returns the bytes
 * it could not place.
 */
function scanAllocate(region: NdRegion, m: RegionMapping, ndd: NvdimmDrvdata, labelId: string, n: bigint): bigint {
  const mappingEnd = u64(m.dpa + m.size - 1n);
  const toAllocate = n;
  let exist: DpaResource | undefined;
  for (const res of ndd.dpa.list()) if (res.name === labelId) exist = res;

  const valid: Range = { start: m.dpa, end: mappingEnd };
  retry: for (;;) {
    let first = 0;
    for (const res of [...ndd.dpa.list()]) {
      const next = ndd.dpa.next(res);
      let available = 0n;
      let loc = Loc.ERR;
      // Only allocations inside this mapping count.
      if (res.start > mappingEnd) continue;
      if (res.end < m.dpa) continue;

      if (first++ === 0 && res.start > m.dpa) {
        valid.start = m.dpa;
        valid.end = u64(res.start - 1n);
        spaceValid(region, labelId, exist, toAllocate, valid);
        available = resourceSize(valid);
        if (available) loc = Loc.BEFORE;
      }
      if (loc === Loc.ERR && next) {
        valid.start = res.start + resourceSize(res);
        valid.end = minBig(mappingEnd, u64(next.start - 1n));
        spaceValid(region, labelId, exist, toAllocate, valid);
        available = resourceSize(valid);
        if (available) loc = Loc.MID;
      }
      if (loc === Loc.ERR && !next) {
        valid.start = res.start + resourceSize(res);
        valid.end = mappingEnd;
        spaceValid(region, labelId, exist, toAllocate, valid);
        available = resourceSize(valid);
        if (available) loc = Loc.AFTER;
      }
      if (loc === Loc.ERR || !available) continue;

      const allocate = minBig(available, n);
      let ok = true;
      let allocateNew = false;
      switch (loc) {
        case Loc.BEFORE:
          // Grow the allocation that follows the space upward, or start a new one.
          if (res.name === labelId) ok = ndd.dpa.adjust(res, res.start - allocate, resourceSize(res) + allocate);
          else allocateNew = true;
          break;
        case Loc.MID:
          if (next && next.name === labelId) ok = ndd.dpa.adjust(next, next.start - allocate, resourceSize(next) + allocate);
          else if (res.name === labelId) ok = ndd.dpa.adjust(res, res.start, resourceSize(res) + allocate);
          else allocateNew = true;
          break;
        case Loc.AFTER:
          if (res.name === labelId) ok = ndd.dpa.adjust(res, res.start, resourceSize(res) + allocate);
          else allocateNew = true;
          break;
      }
      if (allocateNew) ok = ndd.dpa.request(labelId, valid.start, allocate) !== undefined;
      if (!ok) return n;
      n -= allocate;
      // New resources change the picture: rescan (an ALLOC_BEFORE may leave room after, too).
      if (n) continue retry;
      return 0n;
    }
    break;
  }
  if (n === toAllocate) return initDpaAllocation(ndd, labelId, m, n);
  return n;
}

/** init_dpa_allocation(): the first allocation on a DIMM starts at the mapping's base. */
function initDpaAllocation(ndd: NvdimmDrvdata, labelId: string, m: RegionMapping, n: bigint): bigint {
  return ndd.dpa.request(labelId, m.dpa, n) ? 0n : n;
}

/**
 * __reserve_free_pmem(): mark all of this DIMM's free, aligned space in the
 * region as "pmem-reserve"; -ENXIO if not all of it could be placed.
 */
function reserveFreePmem(region: NdRegion, m: RegionMapping): number {
  if (region.mappings.length === 0) return 0;
  const mapping = region.mappings.find((x) => x.dimm === m.dimm);
  if (!mapping) return 0;
  const ndd = toNdd(mapping);
  const n = pmemAvailableDpa(region, mapping);
  if (n === 0n || !ndd) return 0;
  const rem = scanAllocate(region, mapping, ndd, PMEM_RESERVE, n);
  return rem ? -ERRNO.ENXIO : 0;
}

/** release_free_pmem() */
function releaseFreePmem(ndd: NvdimmDrvdata): void {
  for (const res of [...ndd.dpa.list()]) if (res.name === PMEM_RESERVE) ndd.dpa.release(res);
}

/**
 * nd_pmem_max_contiguous_dpa(): the largest aligned free extent of one
 * mapping, found by reserving all free space and measuring the pieces.
 */
export function pmemMaxContiguousDpa(region: NdRegion, m: RegionMapping): bigint {
  const ndd = toNdd(m);
  if (!ndd) return 0n;
  const align = dpaAlign(region);
  if (!align) return 0n;
  // A failed reservation returns without releasing what it did reserve, as the kernel does.
  if (reserveFreePmem(region, m)) return 0n;
  let max = 0n;
  for (const res of ndd.dpa.list()) {
    if (res.name !== PMEM_RESERVE) continue;
    const start = alignUp(res.start, align);
    const end = u64(alignDown(res.end + 1n, align) - 1n);
    if (end < start) continue;
    if (end - start + 1n > max) max = end - start + 1n;
  }
  releaseFreePmem(ndd);
  return max;
}

/** nd_region_available_dpa(): the free capacity of all mappings; 0 if any DIMM is disabled. */
export function regionAvailableDpa(region: NdRegion): bigint {
  let available = 0n;
  for (const m of region.mappings) {
    if (!toNdd(m)) return 0n;
    available += pmemAvailableDpa(region, m);
  }
  return available;
}

/**
 * nd_region_allocatable_dpa(): the smallest non-zero largest-extent over the
 * mappings (min_not_zero, so a disabled DIMM's 0 is skipped), times the
 * number of mappings.
 */
export function regionAllocatableDpa(region: NdRegion): bigint {
  let avail = 0n;
  for (const m of region.mappings) {
    const max = pmemMaxContiguousDpa(region, m);
    avail = avail === 0n ? max : max === 0n ? avail : minBig(avail, max);
  }
  return avail * BigInt(region.mappings.length);
}

/** nvdimm_allocated_dpa(): bytes this DIMM has allocated to a label id. */
export function allocatedDpa(ndd: NvdimmDrvdata, labelId: string): bigint {
  let allocated = 0n;
  for (const res of ndd.dpa.list()) if (res.name === labelId) allocated += resourceSize(res);
  return allocated;
}

/**
 * grow_dpa_allocation(): allocate `n` more bytes on every DIMM of the
 * region; -ENXIO on underrun. (merge_dpa() leaves "pmem-" ids alone, so
 * there is nothing to merge.) Callers have checked every DIMM is enabled.
 */
export function growDpaAllocation(region: NdRegion, labelId: string, n: bigint): number {
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    if (!ndd) return -ERRNO.ENXIO;
    if (scanAllocate(region, m, ndd, labelId, n)) return -ERRNO.ENXIO;
  }
  return 0;
}

/**
 * scan_free(): release `n` bytes of a label id from the end, deleting whole
 * allocations and shrinking the last one that remains.
 */
function scanFree(ndd: NvdimmDrvdata, labelId: string, n: bigint): number {
  while (n) {
    let last: DpaResource | undefined;
    for (const res of ndd.dpa.list()) if (res.name === labelId) last = res;
    if (!last) return 0;
    if (n >= resourceSize(last)) {
      n -= resourceSize(last);
      ndd.dpa.release(last);
      continue;
    }
    if (!ndd.dpa.adjust(last, last.start, resourceSize(last) - n)) return -ERRNO.EBUSY;
    break;
  }
  return 0;
}

/** shrink_dpa_allocation(): give back `n` bytes per DIMM. */
export function shrinkDpaAllocation(region: NdRegion, labelId: string, n: bigint): number {
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    if (!ndd) return -ERRNO.ENXIO;
    const rc = scanFree(ndd, labelId, n);
    if (rc) return rc;
  }
  return 0;
}
