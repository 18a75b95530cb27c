// The nd_region driver (drivers/nvdimm/region.c nd_region_probe/remove) and
// the namespace discovery it runs (namespace_devs.c
// nd_region_register_namespaces, init_active_labels, deactivate_labels,
// create_namespace_io, scan_labels, create_namespace_pmem, has_uuid_at_pos,
// select_pmem_id): a label-less region gets one nd_namespace_io over all of
// it; a labelled one gets a pmem namespace per valid label set, or a
// zero-sized seed to configure.
import { ERRNO, KernelError } from '../kernel/errno.js';
import { ND_DEVICE } from './device.js';
import { toNdd } from './dpa-alloc.js';
import { labelFields, labelName, labelTypeGuidMatches, labelUuid, labelClaimClass } from './namespace-label.js';
import { NamespaceIo } from './namespace-io.js';
import { NamespacePmem, setPmemResource } from './namespace-pmem.js';
import type { NdRegion, RegionMapping } from './region.js';
import { createClaimSeed } from './region-seeds.js';

/**
 * init_active_labels(): every enabled DIMM of the region becomes busy and
 * lends the region its active labels. A disabled DIMM is only fatal if it
 * is locked or labelled (its labels would be needed to place namespaces).
 */
function initActiveLabels(region: NdRegion): number {
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    if (!ndd) {
      if (m.dimm.flags.locked || m.dimm.flags.labeling) {
        deactivateLabels(region);
        return -ERRNO.ENXIO;
      }
      continue;
    }
    m.ndd = ndd;
    m.dimm.busy += 1;
    m.labels = ndd.activeSlots().map((slot) => ({ slot, reap: false }));
  }
  return 0;
}

/** deactivate_labels(): drop the labels and the DIMM references the region held. */
export function deactivateLabels(region: NdRegion): void {
  for (const m of region.mappings) {
    m.labels = [];
    if (m.ndd) m.dimm.busy -= 1;
    m.ndd = undefined;
  }
}

function labelOf(m: RegionMapping, slot: number): Buffer | undefined {
  return toNdd(m)?.label(slot);
}

/**
 * has_uuid_at_pos(): some DIMM holds exactly one label of this uuid and
 * cookie, for a set of the region's width, at position `pos`.
 */
function hasUuidAtPos(region: NdRegion, uuid: Buffer, cookie: bigint, pos: number): boolean {
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    if (!ndd) continue;
    let foundUuid = false;
    for (const ent of m.labels) {
      if (ent.slot === null) continue;
      const label = ndd.label(ent.slot);
      const f = labelFields(label);
      if (f.isetcookie !== cookie) continue;
      if (!labelUuid(label).equals(uuid)) continue;
      if (!labelTypeGuidMatches(label, ndd.nslabelSize, region.typeGuid)) continue;
      // Two labels of one uuid on a DIMM: the set is ambiguous.
      if (foundUuid) return false;
      foundUuid = true;
      if (f.nlabel !== region.mappings.length) continue;
      if (f.position !== pos) continue;
      return true;
    }
  }
  return false;
}

/**
 * select_pmem_id(): on every DIMM, move the label of this uuid to the front
 * of the list, checking it lies inside the mapping's DPA range.
 */
function selectPmemId(region: NdRegion, uuid: Buffer): number {
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    const i = m.labels.findIndex((ent) => ent.slot !== null && ndd !== undefined && labelUuid(ndd.label(ent.slot)).equals(uuid));
    const ent = m.labels[i];
    if (!ndd || !ent || ent.slot === null) return -ERRNO.EINVAL;
    const { dpa, rawsize } = labelFields(ndd.label(ent.slot));
    const hwStart = m.dpa;
    const hwEnd = m.dpa + m.size;
    const pmemEnd = dpa + rawsize;
    if (!(dpa >= hwStart && dpa < hwEnd && pmemEnd <= hwEnd && pmemEnd > hwStart)) return -ERRNO.EINVAL;
    m.labels.splice(i, 1);
    m.labels.unshift(ent);
  }
  return 0;
}

/**
 * create_namespace_pmem(): validate the interleave set a label of mapping 0
 * belongs to and build the namespace from the position-0 label.
 * -EAGAIN skips a label of another interleave set.
 */
function createNamespacePmem(region: NdRegion, m0: RegionMapping, slot: number): NamespacePmem | number {
  const ndd = toNdd(m0);
  if (!ndd) return -ERRNO.ENXIO;
  const cookie = region.interleaveSetCookie(ndd.currentVersion());
  const label = ndd.label(slot);
  if (cookie === 0n) return -ERRNO.ENXIO;
  if (labelFields(label).isetcookie !== cookie && labelFields(label).isetcookie !== region.altcookie) return -ERRNO.EAGAIN;

  const uuid = labelUuid(label);
  for (let i = 0; i < region.mappings.length; i++) {
    if (hasUuidAtPos(region, uuid, cookie, i) || hasUuidAtPos(region, uuid, region.altcookie, i)) continue;
    // A position without its label, or a DIMM with two: give up on this set.
    return -ERRNO.EINVAL;
  }
  const rc = selectPmemId(region, uuid);
  if (rc) return rc;

  const ns = new NamespacePmem(region);
  let size = 0n;
  for (const m of region.mappings) {
    const first = m.labels[0];
    const mndd = toNdd(m);
    if (!first || first.slot === null || !mndd) continue;
    const label0 = mndd.label(first.slot);
    const f = labelFields(label0);
    size += f.rawsize;
    if (f.position !== 0) continue;
    ns.altName = labelName(label0);
    ns.uuid = labelUuid(label0);
    ns.lbasize = Number(f.lbasize);
    ns.claimClass = labelClaimClass(label0, mndd.nslabelSize);
  }
  if (!ns.altName || !ns.uuid) return -ERRNO.ENOMEM;
  setPmemResource(ns, size);
  return ns;
}

/**
 * scan_labels(): one namespace per label set found through mapping 0's
 * labels, sorted by address; none found publishes a zero-sized namespace
 * for userspace to configure. null is a failed scan.
 */
function scanLabels(region: NdRegion): NamespacePmem[] | null {
  const m0 = region.mappings[0];
  if (!m0) return null;
  const mapEnd = m0.dpa + m0.size - 1n;
  const devs: NamespacePmem[] = [];
  for (const ent of [...m0.labels]) {
    if (ent.slot === null) continue;
    const label = labelOf(m0, ent.slot);
    if (!label) continue;
    // Labels describing extents outside this region belong to another one.
    const { dpa } = labelFields(label);
    if (dpa < m0.dpa || dpa > mapEnd) continue;
    // add_namespace_resource(): a second set with the same uuid is a conflict.
    if (devs.some((ns) => ns.uuid?.equals(labelUuid(label)))) return null;
    const dev = createNamespacePmem(region, m0, ent.slot);
    if (typeof dev !== 'number') devs.push(dev);
    else if (dev !== -ERRNO.EAGAIN && dev !== -ERRNO.ENODEV) return null;
  }

  if (devs.length === 0) {
    // nd_mapping_free_labels() of mapping 0 only, then the seed.
    m0.labels = [];
    return [new NamespacePmem(region)];
  }
  // Keep only the selected labels (the first `count` entries) of every mapping.
  for (const m of region.mappings) {
    if (m.labels.length === 0) continue;
    m.labels = m.labels.slice(0, devs.length);
  }
  return devs.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/**
 * nd_region_register_namespaces(): the namespaces of the region, registered
 * with their ids, the first one the namespace seed. Returns how many.
 */
function registerNamespaces(region: NdRegion): number {
  const rc = initActiveLabels(region);
  if (rc) return rc;
  let devs: Array<NamespaceIo | NamespacePmem> | null = null;
  const type = region.nstype;
  if (type === ND_DEVICE.NAMESPACE_IO) devs = [new NamespaceIo(region, 0)];
  else if (type === ND_DEVICE.NAMESPACE_PMEM) devs = region.mappings.length === 0 ? null : scanLabels(region);
  if (!devs) return -ERRNO.ENODEV;
  for (const dev of devs) if (dev instanceof NamespacePmem) dev.id = region.allocNamespaceId();
  region.namespaces = devs;
  region.nsSeed = devs[0];
  return devs.length;
}

/**
 * nd_region_probe(): discover the namespaces, record the count for
 * init_namespaces, and create the btt/pfn/dax seeds. Throws the errno the
 * bind fails with, having undone the label references.
 */
export function regionProbe(region: NdRegion): void {
  const rc = registerNamespaces(region);
  if (rc < 0) {
    // devres runs deactivate_labels() when the probe fails.
    deactivateLabels(region);
    throw KernelError.fromErrno(-rc);
  }
  region.initNamespaces = { active: rc, count: rc };
  for (const kind of ['btt', 'pfn', 'dax'] as const) createClaimSeed(region, kind);
}

/**
 * nd_region_remove(): every child is unregistered (the driver core has
 * unbound them) and the seeds cleared; then the devres action
 * deactivate_labels() lets go of the DIMMs.
 */
export function regionRemove(region: NdRegion): void {
  region.nsSeed = undefined;
  for (const kind of ['btt', 'pfn', 'dax'] as const) region.seeds[kind] = undefined;
  for (const dev of [...region.claimDevices]) region.unregisterClaimDevice(dev);
  region.namespaces = [];
  region.initNamespaces = undefined;
  region.releaseNamespaceIds();
  deactivateLabels(region);
}
