// The label-less namespace namespaceR.0 of a region without labels
// (drivers/nvdimm/namespace_devs.c, nd_namespace_io): it spans the whole
// region and nd_pmem binds it at probe.
import { hexAlt, line } from '../kernel/format.js';
import { MODE, ro, type AttributeGroup } from './attribute.js';
import type { ClaimClass } from './claim-class.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import { forceRawAttr, holderAttr, holderClassAttr, modeAttr } from './namespace-common.js';
import type { NdClaimDevice } from './nd-claim-device.js';
import type { PmemDisk } from './pmem-disk.js';
import type { NdRegion } from './region.js';

export class NamespaceIo implements NdDevice {
  readonly name: string;
  readonly devtype = 'nd_namespace_io';
  readonly modalias = modalias(ND_DEVICE.NAMESPACE_IO);
  readonly devt = undefined;
  driver: string | null = null;
  /** The gendisk nd_pmem registered for this namespace's data (see PmemDisk.host). */
  disk: PmemDisk | undefined;
  claimClass: ClaimClass = 'none';
  forceRaw = false;
  /** The btt/pfn/dax device that claimed this namespace. */
  claim: NdClaimDevice | undefined;

  constructor(
    readonly region: NdRegion,
    readonly nsid: number,
  ) {
    this.name = `namespace${region.id}.${nsid}`;
  }

  /** nsio->res: the whole region. */
  get start(): bigint {
    return this.region.spec.spa;
  }

  get size(): bigint {
    return this.region.size;
  }
}

/** namespace_attribute_group as namespace_visible() leaves it for nd_namespace_io. */
const namespaceGroup: AttributeGroup<NamespaceIo> = {
  attrs: [
    ro('nstype', (ns) => line(ns.region.nstype)),
    ro('size', (ns) => line(ns.size)),
    holderAttr(),
    holderClassAttr(),
    modeAttr(),
    forceRawAttr(),
    ro('resource', (ns) => line(hexAlt(ns.start)), MODE.ADMIN_RO),
    ro('numa_node', (ns) => line(ns.region.spec.numaNode)),
    ro('target_node', (ns) => line(ns.region.spec.targetNode ?? -1)),
  ],
  isVisible: (ns, attr) => (attr.name === 'target_node' && ns.region.spec.targetNode === null ? 0 : attr.mode),
};

export const NAMESPACE_IO_ATTRIBUTE_GROUPS: readonly AttributeGroup<NamespaceIo>[] = [namespaceGroup];
