// A label-backed namespace, namespaceR.N of type nd_namespace_pmem
// (drivers/nvdimm/namespace_devs.c): configured through uuid, size,
// alt_name, sector_size and holder_class, each change written to the
// labels of every DIMM in the region.
import { KernelError } from '../kernel/errno.js';
import { hexAlt, line } from '../kernel/format.js';
import { kstrtoull, strim } from '../kernel/parse.js';
import { MODE, ro, rw, type AttributeGroup, type DeviceAttribute } from './attribute.js';
import type { ClaimClass } from './claim-class.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import { labelId } from './dimm-drvdata.js';
import { allocatedDpa, growDpaAllocation, regionAllocatableDpa, shrinkDpaAllocation, toNdd } from './dpa-alloc.js';
import { namespaceLabelUpdate } from './label-update.js';
import { forceRawAttr, holderAttr, holderClassAttr, modeAttr } from './namespace-common.js';
import type { NdClaimDevice } from './nd-claim-device.js';
import { labelUuid, NSLABEL_NAME_LEN } from './namespace-label.js';
import type { PmemDisk } from './pmem-disk.js';
import type { NdRegion } from './region.js';
import { formatUuid, uuidParse } from './uuid.js';

/** pmem_lbasize_supported[] */
const PMEM_LBASIZE_SUPPORTED = [512, 4096];

export class NamespacePmem implements NdDevice {
  readonly devtype = 'nd_namespace_pmem';
  readonly modalias = modalias(ND_DEVICE.NAMESPACE_PMEM);
  readonly devt = undefined;
  driver: string | null = null;
  /** The gendisk nd_pmem registered for this namespace's data (see PmemDisk.host). */
  disk: PmemDisk | undefined;
  uuid: Buffer | null = null;
  /** NSLABEL_NAME_LEN bytes, NUL-padded, once set. */
  altName: Buffer | null = null;
  lbasize = 0;
  claimClass: ClaimClass = 'none';
  forceRaw = false;
  /** The btt/pfn/dax device that claimed this namespace. */
  claim: NdClaimDevice | undefined;
  /** nsio.res: where the namespace sits in system physical address space. */
  start: bigint;
  size = 0n;

  constructor(
    readonly region: NdRegion,
    /** nspm->id: -1 until the region registers it and hands out an id. */
    public id = -1,
  ) {
    this.start = region.spec.spa;
  }

  get name(): string {
    return `namespace${this.region.id}.${this.id}`;
  }
}

/**
 * nd_namespace_pmem_set_resource(): a namespace's SPA offset follows its
 * DPA offset on the first DIMM, scaled by the interleave ways.
 */
export function setPmemResource(ns: NamespacePmem, size: bigint): void {
  const region = ns.region;
  let offset = 0n;
  if (size && !ns.uuid) size = 0n;
  if (size && ns.uuid) {
    const m0 = region.mappings[0];
    const ndd = m0 ? toNdd(m0) : undefined;
    const res = ndd?.dpa.list().find((r) => r.name === labelId(ns.uuid ?? Buffer.alloc(16)));
    if (m0 && res) offset = (res.start - m0.dpa) * BigInt(region.mappings.length);
    else size = 0n;
  }
  ns.start = region.spec.spa + offset;
  ns.size = size;
}

function fail(rc: number): never {
  throw KernelError.fromErrno(-rc);
}

/** The config stores' common refusal: bound to a driver or claimed. */
function requireIdle(ns: NamespacePmem): void {
  if (ns.driver !== null || ns.claim) throw new KernelError('EBUSY');
}

/**
 * __size_store(): check, then grow or shrink the DPA allocation on every
 * DIMM. Returns 0 or a negative errno, and whether the namespace is to be
 * unregistered (all of it deleted, and it is not id 0, the seed, or claimed).
 */
function sizeStore(ns: NamespacePmem, val: bigint): { rc: number; unregister: boolean } {
  const region = ns.region;
  requireIdle(ns);
  // The allocation is named after the uuid, and the labels need DIMMs to live on.
  if (!ns.uuid) throw new KernelError('ENXIO');
  if (region.mappings.length === 0) throw new KernelError('ENXIO');
  // div_u64_rem() takes a 32-bit divisor.
  if (val % BigInt.asUintN(32, region.align) !== 0n) throw new KernelError('EINVAL');
  const id = labelId(ns.uuid);
  let allocated = 0n;
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    // Every DIMM of the interleave set must be enabled to change the size.
    if (!ndd) throw new KernelError('ENXIO');
    allocated += allocatedDpa(ndd, id);
  }
  const available = regionAllocatableDpa(region);
  if (val > available + allocated) throw new KernelError('ENOSPC');
  if (val === allocated) return { rc: 0, unregister: false };

  const ways = BigInt(region.mappings.length);
  const perDimm = val / ways;
  const perDimmAllocated = allocated / ways;
  const rc = perDimm < perDimmAllocated ? shrinkDpaAllocation(region, id, perDimmAllocated - perDimm) : growDpaAllocation(region, id, perDimm - perDimmAllocated);
  if (rc) return { rc, unregister: false };
  setPmemResource(ns, perDimm * ways);
  return { rc: 0, unregister: perDimm === 0n && ns.id !== 0 && region.nsSeed !== ns && !ns.claim };
}

/** nd_is_uuid_unique(): no pmem namespace, btt or pfn on the bus may already use it. */
function uuidInUse(ns: NamespacePmem, uuid: Buffer): boolean {
  for (const region of ns.region.bus.regions) {
    for (const other of region.namespaces) if (other instanceof NamespacePmem && other.uuid?.equals(uuid)) return true;
    // nd_dax is not is_nd_pfn(): its uuid is not checked.
    for (const dev of region.claimDevices) if (dev.kind !== 'dax' && dev.uuid?.equals(uuid)) return true;
  }
  return false;
}

/**
 * namespace_update_uuid(): a fresh uuid is simply taken; renaming one whose
 * labels exist moves its DPA allocations to the new id and marks the old
 * labels for reaping at the next label write.
 */
function updateUuid(ns: NamespacePmem, uuid: Buffer): void {
  if (uuidInUse(ns, uuid)) throw new KernelError('EINVAL');
  const old = ns.uuid;
  if (old) {
    // Too late to rename once a DIMM has no labels for it: userspace must delete the namespace.
    if (ns.region.mappings.some((m) => m.labels.length === 0)) throw new KernelError('EBUSY');
    const oldId = labelId(old);
    const newId = labelId(uuid);
    for (const m of ns.region.mappings) {
      const ndd = toNdd(m);
      if (!ndd) continue;
      for (const res of ndd.dpa.list()) if (res.name === oldId) res.name = newId;
      for (const ent of m.labels) {
        if (ent.slot === null) continue;
        if (labelUuid(ndd.label(ent.slot)).equals(old)) ent.reap = true;
      }
    }
  }
  ns.uuid = uuid;
}

/** The stores' tail: the labels follow every accepted change. */
function updateLabels(ns: NamespacePmem): void {
  const rc = namespaceLabelUpdate(ns.region, ns);
  if (rc < 0) fail(rc);
}

const pmemAttrs: DeviceAttribute<NamespacePmem>[] = [
  ro('nstype', (ns) => line(ns.region.nstype)),
  rw(
    'size',
    (ns) => line(ns.size),
    (ns, buf, count) => {
      const val = kstrtoull(buf);
      const { rc, unregister } = sizeStore(ns, val);
      if (rc < 0) fail(rc);
      // The unregistration is asynchronous (ND_ASYNC): the labels are deleted first.
      try {
        updateLabels(ns);
        // Setting size zero is "delete namespace": the uuid goes too.
        if (val === 0n) ns.uuid = null;
      } finally {
        if (unregister) ns.region.removeNamespace(ns);
      }
      return count;
    },
  ),
  modeAttr(),
  rw(
    'uuid',
    (ns) => line(ns.uuid ? formatUuid(ns.uuid) : ''),
    (ns, buf, count) => {
      if (ns.claim) throw new KernelError('EBUSY');
      // nd_uuid_store()
      if (ns.driver !== null) throw new KernelError('EBUSY');
      updateUuid(ns, uuidParse(buf));
      updateLabels(ns);
      return count;
    },
  ),
  holderAttr(),
  ro(
    'resource',
    (ns) => {
      // No address to convey without an allocation.
      if (ns.size === 0n) throw new KernelError('ENXIO');
      return line(hexAlt(ns.start));
    },
    MODE.ADMIN_RO,
  ),
  rw(
    'alt_name',
    (ns) => {
      const nul = ns.altName ? ns.altName.indexOf(0) : -1;
      return line(ns.altName ? ns.altName.subarray(0, nul < 0 ? undefined : nul).toString('latin1') : '');
    },
    (ns, buf, count) => {
      requireIdle(ns);
      const name = strim(buf);
      if (name.length + 1 > NSLABEL_NAME_LEN) throw new KernelError('EINVAL');
      const bytes = Buffer.alloc(NSLABEL_NAME_LEN);
      bytes.write(name, 'latin1');
      ns.altName = bytes;
      updateLabels(ns);
      return count;
    },
  ),
  forceRawAttr(),
  rw(
    'sector_size',
    // nd_size_select_show(): the supported sizes, the current one bracketed.
    (ns) => `${PMEM_LBASIZE_SUPPORTED.map((s) => (s === ns.lbasize ? `[${s}] ` : `${s} `)).join('')}\n`,
    (ns, buf, count) => {
      if (ns.claim) throw new KernelError('EBUSY');
      // nd_size_select_store()
      if (ns.driver !== null) throw new KernelError('EBUSY');
      const size = Number(kstrtoull(buf));
      if (!PMEM_LBASIZE_SUPPORTED.includes(size)) throw new KernelError('EINVAL');
      ns.lbasize = size;
      updateLabels(ns);
      return count;
    },
  ),
  ro('dpa_extents', (ns) => {
    if (!ns.uuid) return '0\n';
    const id = labelId(ns.uuid);
    let count = 0;
    for (const m of ns.region.mappings) for (const res of toNdd(m)?.dpa.list() ?? []) if (res.name === id) count += 1;
    return line(count);
  }),
  holderClassAttr(updateLabels),
];

/** nd_namespace_attribute_group as namespace_visible() leaves it for nd_namespace_pmem: everything, size writable. */
const namespaceGroup: AttributeGroup<NamespacePmem> = { attrs: pmemAttrs };

/** nd_numa_attribute_group: target_node only when the region has one. */
const numaGroup: AttributeGroup<NamespacePmem> = {
  attrs: [ro('numa_node', (ns) => line(ns.region.spec.numaNode)), ro('target_node', (ns) => line(ns.region.spec.targetNode ?? -1))],
  isVisible: (ns, attr) => (attr.name === 'target_node' && ns.region.spec.targetNode === null ? 0 : attr.mode),
};

export const NAMESPACE_PMEM_ATTRIBUTE_GROUPS: readonly AttributeGroup<NamespacePmem>[] = [namespaceGroup, numaGroup];
