// The region device regionN (drivers/nvdimm/region_devs.c) with the NFIT
// provider's nfit/range_index.
import { KernelError } from '../kernel/errno.js';
import { hexAlt, line } from '../kernel/format.js';
import { kstrtobool, kstrtoull } from '../kernel/parse.js';
import type { RegionSpec } from '../topology/schema.js';
import { MODE, ro, rw, type AttributeGroup, type DeviceAttribute } from './attribute.js';
import type { NvdimmBus } from './bus.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import type { Nvdimm } from './dimm.js';
import type { NvdimmDrvdata } from './dimm-drvdata.js';
import { regionAllocatableDpa, regionAvailableDpa, toNdd } from './dpa-alloc.js';
import { cookieV11, cookieV11Compat, cookieV12, positions, type InterleaveMember } from './interleave-set.js';
import type { NdNamespace } from './namespace-common.js';
import { NamespacePmem } from './namespace-pmem.js';
import type { ClaimKind, NdClaimDevice } from './nd-claim-device.js';
import { detachNamespace } from './claim.js';
import { PmemMedia } from './pmem-media.js';
import { guidParse } from './uuid.js';

const PAGE_SIZE = 4096;
const SZ_16M = 16 * 1024 * 1024;
export const ND_MAX_MAPPINGS = 32;

/** An entry of nd_mapping->labels: a label slot of the DIMM, or a placeholder. */
export interface LabelEnt {
  slot: number | null;
  /** ND_LABEL_REAP: free this label at the next label write (the namespace was renamed). */
  reap: boolean;
}

/** struct nd_mapping */
export interface RegionMapping {
  readonly dimm: Nvdimm;
  /** DPA start of the mapping on the DIMM. */
  readonly dpa: bigint;
  readonly size: bigint;
  readonly position: number;
  /** The DIMM's labels this region uses, gathered at probe (init_active_labels). */
  labels: LabelEnt[];
  /** The driver data reference the enabled region holds (nd_mapping->ndd). */
  ndd: NvdimmDrvdata | undefined;
}

/** NFIT SPA range type GUIDs (nd_set->type_guid, stored in v1.2 labels). */
const SPA_TYPE_GUID: Readonly<Record<RegionSpec['type'], string>> = {
  pmem: '66f0d379-b4f3-4074-ac43-0d3318b78cdb',
  volatile: '7305944f-fdda-44e3-b16c-3f22d252e5d0',
};

export class NdRegion implements NdDevice {
  readonly name: string;
  readonly devtype: string;
  readonly modalias = modalias(ND_DEVICE.REGION_PMEM);
  readonly devt = undefined;
  driver: string | null = null;
  readonly mappings: readonly RegionMapping[];
  align: bigint;
  readOnly: boolean;
  readonly cookie1: bigint;
  readonly cookie2: bigint;
  /** The v1.1 cookie of namespaces created with the old, byte-wise sort order. */
  readonly altcookie: bigint;
  readonly typeGuid: Buffer;
  namespaces: NdNamespace[] = [];
  /** The region's btt, pfn and dax devices, seeds included, in registration order. */
  claimDevices: NdClaimDevice[] = [];
  /** nd_region->ns_seed */
  nsSeed: NdNamespace | undefined;
  /** nd_region->btt_seed, pfn_seed, dax_seed */
  readonly seeds: Record<ClaimKind, NdClaimDevice | undefined> = { btt: undefined, pfn: undefined, dax: undefined };
  /** The memory behind the SPA range: it keeps what was written across probes. */
  readonly media: PmemMedia;
  /** nd_region_data's ns_active/ns_count, from the last probe; absent while disabled. */
  initNamespaces: { active: number; count: number } | undefined;
  /** nd_region->ns_ida: namespace ids in use. */
  private readonly nsIds = new Set<number>();
  /** btt_ida, pfn_ida, dax_ida */
  private readonly claimIds: Record<ClaimKind, Set<number>> = { btt: new Set(), pfn: new Set(), dax: new Set() };

  constructor(
    readonly id: number,
    readonly bus: NvdimmBus,
    readonly spec: RegionSpec,
    dimmFor: (handle: number) => Nvdimm,
  ) {
    this.name = `region${id}`;
    this.devtype = spec.type === 'pmem' ? 'nd_pmem' : 'nd_volatile';
    const members: InterleaveMember[] = spec.mappings.map((m) => {
      const dcr = dimmFor(m.dimm).spec.dcr;
      return { regionOffset: m.regionOffset, serial: dcr?.serial ?? 0, vendor: dcr?.vendor ?? 0, manufacturing: dcr?.manufacturing };
    });
    const pos = positions(members);
    this.mappings = spec.mappings.map((m, i) => ({ dimm: dimmFor(m.dimm), dpa: m.dpa, size: m.size, position: pos[i] ?? i, labels: [], ndd: undefined }));
    this.cookie1 = cookieV11(members);
    this.cookie2 = cookieV12(members);
    this.altcookie = cookieV11Compat(members);
    this.typeGuid = guidParse(SPA_TYPE_GUID[spec.type]);
    this.align = defaultAlign(spec.size, this.mappings.length);
    // A DIMM flagged "not armed" makes the region read-only (nd_region_create).
    this.readOnly = this.mappings.some((m) => m.dimm.spec.nfitFlags.includes('not_armed'));
    this.media = new PmemMedia(spec.size, bus.platform.media(bus.platform.spec.regions.indexOf(spec)));
  }

  get size(): bigint {
    return this.spec.size;
  }

  get enabled(): boolean {
    return this.driver !== null;
  }

  /** nd_region_to_nstype(): 5 (pmem namespaces) once any mapped DIMM is labelling, else 4 (io). */
  get nstype(): number {
    return this.mappings.some((m) => m.dimm.labeling) ? ND_DEVICE.NAMESPACE_PMEM : ND_DEVICE.NAMESPACE_IO;
  }

  /** nvdimm_has_flush(): 1 with flush hints, 0 without, -ENXIO without mappings. */
  get hasFlush(): number {
    if (this.mappings.length === 0) return -1;
    return this.spec.flushHints ? 1 : 0;
  }

  /** nd_region_interleave_set_cookie(): v1.1 labels use the v1.1 cookie, anything else (or no index) v1.2. */
  interleaveSetCookie(version: { major: number; minor: number } | null): bigint {
    if (version && version.major === 1 && version.minor === 1) return this.cookie1;
    return this.cookie2;
  }

  /**
   * set_cookie_show(): decided by mapping0's DIMM. With driver data, its
   * current index picks the cookie (v1.2 when it has none); a DIMM without
   * driver data leaves the v1.1 cookie.
   */
  setCookie(): bigint {
    const first = this.mappings[0];
    const ndd = first ? toNdd(first) : undefined;
    if (ndd) return this.interleaveSetCookie(ndd.currentVersion());
    return this.cookie1;
  }

  /** ida_simple_get(): the lowest id not in use. */
  private static allocId(ids: Set<number>): number {
    let id = 0;
    while (ids.has(id)) id += 1;
    ids.add(id);
    return id;
  }

  /** ida_simple_get(&nd_region->ns_ida) */
  allocNamespaceId(): number {
    return NdRegion.allocId(this.nsIds);
  }

  /** nd_device_unregister() of a namespace (and namespace_pmem_release()'s ida_simple_remove()). */
  removeNamespace(ns: NdNamespace): void {
    this.namespaces = this.namespaces.filter((n) => n !== ns);
    if (this.nsSeed === ns) this.nsSeed = undefined;
    // Only pmem namespaces take their ids from ns_ida; the io namespace is always .0.
    if (ns instanceof NamespacePmem && ns.id >= 0) this.nsIds.delete(ns.id);
    this.bus.changed();
  }

  /** Forget every namespace id (the region's children are all gone). */
  releaseNamespaceIds(): void {
    this.nsIds.clear();
  }

  /** ida_simple_get() on the btt_ida, pfn_ida or dax_ida. */
  allocClaimId(kind: ClaimKind): number {
    return NdRegion.allocId(this.claimIds[kind]);
  }

  /** An id taken for a device that was never registered (a failed nd_*_probe()) goes back. */
  freeClaimId(kind: ClaimKind, id: number): void {
    this.claimIds[kind].delete(id);
  }

  /** nd_device_register() of a btt, pfn or dax device. */
  addClaimDevice(dev: NdClaimDevice): void {
    this.claimDevices.push(dev);
    this.bus.changed();
  }

  /**
   * nd_device_unregister() of an unbound btt, pfn or dax device, then its
   * release: nd_detach_ndns() and ida_simple_remove().
   */
  unregisterClaimDevice(dev: NdClaimDevice): void {
    this.claimDevices = this.claimDevices.filter((d) => d !== dev);
    if (this.seeds[dev.kind] === dev) this.seeds[dev.kind] = undefined;
    detachNamespace(dev);
    this.claimIds[dev.kind].delete(dev.id);
    this.bus.changed();
  }

  seed(kind: ClaimKind): NdClaimDevice | undefined {
    return this.seeds[kind];
  }
}

/** default_align(): 16 MiB for regions of at least 16 MiB, else a page, scaled to divide by the mappings. */
function defaultAlign(size: bigint, mappings: number): bigint {
  let align = BigInt(size >= BigInt(SZ_16M) ? SZ_16M : PAGE_SIZE);
  const n = BigInt(Math.max(mappings, 1));
  if (align % n !== 0n) align *= n;
  return align;
}

function isPowerOfTwo(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** btt_seed_show() and friends: the seed's name, empty when there is none. */
function seedName(r: NdRegion, kind: ClaimKind): string {
  return line(r.seed(kind)?.name ?? '');
}

const regionAttrs: DeviceAttribute<NdRegion>[] = [
  ro('size', (r) => line(r.size)),
  rw(
    'align',
    (r) => line(hexAlt(r.align)),
    (r, buf, count) => {
      const val = kstrtoull(buf);
      const n = BigInt(Math.max(r.mappings.length, 1));
      if (val % n !== 0n || !isPowerOfTwo(val / n) || val / n < BigInt(PAGE_SIZE) || val > r.size) throw new KernelError('EINVAL');
      r.align = val;
      return count;
    },
  ),
  ro('nstype', (r) => line(r.nstype)),
  ro('mappings', (r) => line(r.mappings.length)),
  ro('btt_seed', (r) => seedName(r, 'btt')),
  ro('pfn_seed', (r) => seedName(r, 'pfn')),
  ro('dax_seed', (r) => seedName(r, 'dax')),
  rw(
    'deep_flush',
    (r) => {
      if (r.hasFlush < 0) throw new KernelError('ENXIO');
      return line(r.hasFlush);
    },
    (r, buf, count) => {
      // Writing true flushes through the hints; false is meaningless.
      if (!kstrtobool(buf)) throw new KernelError('EINVAL');
      if (r.hasFlush < 0) throw new KernelError('ENXIO');
      return count;
    },
  ),
  ro('persistence_domain', (r) => line(r.spec.persistenceDomain ?? '')),
  rw(
    'read_only',
    (r) => line(r.readOnly ? 1 : 0),
    (r, buf, count) => {
      r.readOnly = kstrtobool(buf);
      return count;
    },
  ),
  ro('set_cookie', (r) => line(hexAlt(r.setCookie()))),
  ro('available_size', (r) => line(regionAvailableDpa(r))),
  ro('max_available_extent', (r) => line(regionAllocatableDpa(r))),
  ro('namespace_seed', (r) => line(r.nsSeed?.name ?? '')),
  ro('init_namespaces', (r) => {
    // ns_active counts the namespaces registered at probe, bound or not.
    if (!r.initNamespaces) throw new KernelError('ENXIO');
    return `${r.initNamespaces.active}/${r.initNamespaces.count}\n`;
  }),
  ro('badblocks', (r) => {
    if (!r.enabled) throw new KernelError('ENXIO');
    return '';
  }),
  ro('resource', (r) => line(hexAlt(r.spec.spa)), MODE.ADMIN_RO),
];

/** nd_region_attribute_group with region_visible() */
const regionGroup: AttributeGroup<NdRegion> = {
  attrs: regionAttrs,
  isVisible: (r, attr) => {
    switch (attr.name) {
      case 'persistence_domain':
        return r.spec.persistenceDomain ? attr.mode : 0;
      case 'deep_flush': {
        const flush = r.hasFlush;
        if (flush < 0) return 0;
        return flush === 1 ? attr.mode : MODE.RO;
      }
      default:
        return attr.mode;
    }
  },
};

const mappingAttrs: DeviceAttribute<NdRegion>[] = Array.from({ length: ND_MAX_MAPPINGS }, (_, i) =>
  ro<NdRegion>(`mapping${i}`, (r) => {
    const m = r.mappings[i];
    if (!m) throw new KernelError('ENXIO');
    return `${m.dimm.name},${m.dpa},${m.size},${m.position}\n`;
  }),
);

/** nd_mapping_attribute_group: only mappingK with K < mappings exist. */
const mappingGroup: AttributeGroup<NdRegion> = {
  attrs: mappingAttrs,
  isVisible: (r, attr) => (Number(attr.name.slice('mapping'.length)) < r.mappings.length ? attr.mode : 0),
};

/** nd_numa_attribute_group */
const numaGroup: AttributeGroup<NdRegion> = {
  attrs: [ro('numa_node', (r) => line(r.spec.numaNode)), ro('target_node', (r) => line(r.spec.targetNode ?? -1))],
  isVisible: (r, attr) => (attr.name === 'target_node' && r.spec.targetNode === null ? 0 : attr.mode),
};

/** acpi_nfit_region_attribute_group */
const nfitGroup: AttributeGroup<NdRegion> = {
  name: 'nfit',
  attrs: [ro('range_index', (r) => line(r.spec.rangeIndex))],
};

export const REGION_ATTRIBUTE_GROUPS: readonly AttributeGroup<NdRegion>[] = [regionGroup, mappingGroup, numaGroup, nfitGroup];
