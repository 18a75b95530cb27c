// The label-less namespace namespaceR.0 of a region without labels
// (drivers/nvdimm/namespace_devs.c, nd_namespace_io): it spans the whole
// region and nd_pmem binds it at probe.
import { KernelError } from '../kernel/errno.js';
import { hexAlt, line } from '../kernel/format.js';
import { kstrtobool, sysfsStreq } from '../kernel/parse.js';
import { MODE, ro, rw, type AttributeGroup } from './attribute.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import { holderAttr, modeAttr } from './namespace-common.js';
import type { PmemDisk } from './pmem-disk.js';
import type { NdRegion } from './region.js';
import type { SeedDevice } from './seed-devices.js';

export class NamespaceIo implements NdDevice {
  readonly name: string;
  readonly devtype = 'nd_namespace_io';
  readonly modalias = modalias(ND_DEVICE.NAMESPACE_IO);
  readonly devt = undefined;
  driver: string | null = null;
  disk: PmemDisk | undefined;
  holderClass = '';
  forceRaw = false;
  /** The btt/pfn/dax device that claimed this namespace. */
  claim: SeedDevice | undefined;

  constructor(
    readonly region: NdRegion,
    readonly nsid: number,
  ) {
    this.name = `namespace${region.id}.${nsid}`;
  }

  get size(): bigint {
    return this.region.size;
  }
}

const HOLDER_CLASSES = ['btt', 'pfn', 'dax', ''];

function requireIdle(ns: NamespaceIo): void {
  if (ns.driver !== null || ns.claim) throw new KernelError('EBUSY');
}

/** namespace_attribute_group as namespace_visible() leaves it for nd_namespace_io. */
const namespaceGroup: AttributeGroup<NamespaceIo> = {
  attrs: [
    ro('nstype', (ns) => line(ns.region.nstype)),
    ro('size', (ns) => line(ns.size)),
    holderAttr(),
    rw(
      'holder_class',
      (ns) => line(ns.holderClass),
      (ns, buf, count) => {
        requireIdle(ns);
        const value = HOLDER_CLASSES.find((c) => sysfsStreq(buf, c));
        if (value === undefined) throw new KernelError('EINVAL');
        ns.holderClass = value;
        return count;
      },
    ),
    modeAttr(),
    rw(
      'force_raw',
      (ns) => line(ns.forceRaw ? 1 : 0),
      (ns, buf, count) => {
        ns.forceRaw = kstrtobool(buf);
        return count;
      },
    ),
    ro('resource', (ns) => line(hexAlt(ns.region.spec.spa)), MODE.ADMIN_RO),
    ro('numa_node', (ns) => line(ns.region.spec.numaNode)),
    ro('target_node', (ns) => line(ns.region.spec.targetNode ?? -1)),
  ],
  isVisible: (ns, attr) => (attr.name === 'target_node' && ns.region.spec.targetNode === null ? 0 : attr.mode),
};

export const NAMESPACE_IO_ATTRIBUTE_GROUPS: readonly AttributeGroup<NamespaceIo>[] = [namespaceGroup];
