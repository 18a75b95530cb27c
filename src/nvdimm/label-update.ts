// Writing a pmem namespace's labels (drivers/nvdimm/label.c
// nd_pmem_namespace_label_update, init_labels, __pmem_label_update,
// del_labels, reap_victim). Every label lands in a free slot of the staging
// index, then the staging index is written with the next sequence number,
// so a crash leaves either the old or the new set intact.
import { ERRNO } from '../kernel/errno.js';
import { labelId, type NvdimmDrvdata } from './dimm-drvdata.js';
import { toNdd } from './dpa-alloc.js';
import { incSeq } from './label-index.js';
import { fillLabel, labelUuid, NSLABEL_FLAG_UPDATING } from './namespace-label.js';
import type { NamespacePmem } from './namespace-pmem.js';
import type { NdRegion, RegionMapping } from './region.js';

/**
 * init_labels(): make room in the mapping's label list for `numLabels`
 * entries and, on a DIMM whose area has no index yet, write a fresh pair
 * (sequence numbers 3 and 2, block 0 current). Returns the list length.
 */
function initLabels(m: RegionMapping, ndd: NvdimmDrvdata, numLabels: number): number {
  const old = m.labels.length;
  for (let i = old; i < numLabels; i++) m.labels.push({ slot: null, reap: false });
  if (ndd.nsCurrent !== -1 && ndd.nsNext !== -1) return Math.max(numLabels, old);
  ndd.data?.fill(0);
  for (let i = 0; i < 2; i++) {
    const rc = ndd.writeIndex(i, 3 - i, true);
    if (rc) return rc;
  }
  ndd.nsNext = 1;
  ndd.nsCurrent = 0;
  return Math.max(numLabels, old);
}

/**
 * __pmem_label_update(): write this DIMM's label for the namespace into a
 * new slot, retire the labels it replaces, and commit the staging index.
 */
function pmemLabelUpdate(region: NdRegion, m: RegionMapping, ndd: NvdimmDrvdata, ns: NamespacePmem, pos: number, flags: number): number {
  const next = ndd.nextVersion();
  if (!next || !ns.uuid) return -ERRNO.ENXIO;
  const cookie = region.interleaveSetCookie(next);
  const id = labelId(ns.uuid);
  const res = ndd.dpa.list().find((r) => r.name === id);
  if (!res) return -ERRNO.ENXIO;

  const slot = ndd.allocSlot();
  if (slot < 0) return -ERRNO.ENXIO;
  fillLabel(ndd.label(slot), ndd.nslabelSize, {
    uuid: ns.uuid,
    name: ns.altName,
    flags,
    nlabel: region.mappings.length,
    position: pos,
    isetcookie: cookie,
    rawsize: res.end - res.start + 1n,
    lbasize: BigInt(ns.lbasize),
    dpa: res.start,
    slot,
    typeGuid: region.typeGuid,
    claimClass: ns.claimClass,
  });
  let rc = ndd.writeLabel(slot);
  if (rc < 0) return rc;

  // Garbage-collect the labels this one supersedes (and any marked for reaping by a uuid change).
  for (const ent of m.labels) {
    if (ent.slot === null) continue;
    const reap = ent.reap;
    ent.reap = false;
    if (reap || labelUuid(ndd.label(ent.slot)).equals(ns.uuid)) {
      ndd.freeSlot(ent.slot);
      ent.slot = null;
    }
  }

  rc = ndd.writeIndex(ndd.nsNext, incSeq(ndd.nextSeq()), false);
  if (rc === 0) {
    const free = m.labels.find((ent) => ent.slot === null);
    if (free) free.slot = slot;
    else rc = -ERRNO.ENXIO;
  }
  return rc;
}

/**
 * del_labels(): free every label of `uuid` on this DIMM and commit the
 * staging index, which happens even when there was nothing to free.
 */
function delLabels(m: RegionMapping, ndd: NvdimmDrvdata, uuid: Buffer | null): number {
  if (!uuid) return 0;
  // No index, no labels: nothing to delete.
  if (ndd.nsNext < 0 || !ndd.data) return 0;
  let active = 0;
  const kept: typeof m.labels = [];
  const freed: typeof m.labels = [];
  for (const ent of m.labels) {
    if (ent.slot === null) {
      kept.push(ent);
      continue;
    }
    active += 1;
    if (!labelUuid(ndd.label(ent.slot)).equals(uuid)) {
      kept.push(ent);
      continue;
    }
    active -= 1;
    ndd.freeSlot(ent.slot);
    ent.slot = null;
    freed.push(ent);
  }
  m.labels = [...kept, ...freed];
  // nd_mapping_free_labels() once no live label is left.
  if (active === 0) m.labels = [];
  return ndd.writeIndex(ndd.nsNext, incSeq(ndd.nextSeq()), false);
}

/**
 * nd_pmem_namespace_label_update(): size 0 deletes the namespace's labels on
 * every DIMM; otherwise each DIMM gets a label flagged UPDATING, then a
 * second pass rewrites them without the flag (UEFI 2.7).
 */
export function pmemNamespaceLabelUpdate(region: NdRegion, ns: NamespacePmem, size: bigint): number {
  for (const [i, m] of region.mappings.entries()) {
    const ndd = toNdd(m);
    if (!ndd) return -ERRNO.ENXIO;
    if (size === 0n) {
      const rc = delLabels(m, ndd, ns.uuid);
      if (rc) return rc;
      continue;
    }
    const count = ndd.dpa.list().filter((r) => r.name.startsWith('pmem')).length;
    let rc = initLabels(m, ndd, count);
    if (rc < 0) return rc;
    rc = pmemLabelUpdate(region, m, ndd, ns, i, NSLABEL_FLAG_UPDATING);
    if (rc) return rc;
  }
  if (size === 0n) return 0;
  for (const [i, m] of region.mappings.entries()) {
    const ndd = toNdd(m);
    if (!ndd) return -ERRNO.ENXIO;
    const rc = pmemLabelUpdate(region, m, ndd, ns, i, 0);
    if (rc) return rc;
  }
  return 0;
}

/**
 * nd_namespace_label_update(): labels are only written for a namespace that
 * is idle and has a uuid; a uuid with no size means "delete the labels".
 */
export function namespaceLabelUpdate(region: NdRegion, ns: NamespacePmem): number {
  if (ns.driver !== null || ns.claim) return 0;
  if (!ns.uuid) return 0;
  return pmemNamespaceLabelUpdate(region, ns, ns.size);
}
