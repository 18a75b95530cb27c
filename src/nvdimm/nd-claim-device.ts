// What the three namespace personalities have in common: nd_btt, nd_pfn and
// nd_dax (drivers/nvdimm/{btt,pfn,dax}_devs.c) are children of a region,
// named <kind><region>.<id> from a per-region ida, configured through
// uuid and namespace, and claim one namespace of their region.
import { KernelError } from '../kernel/errno.js';
import { line } from '../kernel/format.js';
import { ro, rw, type AttributeGroup, type DeviceAttribute } from './attribute.js';
import { namespaceStore } from './claim.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import type { NdNamespace } from './namespace-common.js';
import type { NdRegion } from './region.js';
import { formatUuid, uuidParse } from './uuid.js';

export type ClaimKind = 'btt' | 'pfn' | 'dax';

export abstract class NdClaimDevice implements NdDevice {
  abstract readonly kind: ClaimKind;
  abstract readonly devtype: string;
  readonly devt = undefined;
  driver: string | null = null;
  uuid: Buffer | null = null;
  /** nd_btt->ndns / nd_pfn->ndns: the namespace this device has claimed. */
  ndns: NdNamespace | undefined;

  constructor(
    readonly region: NdRegion,
    /** From the region's btt_ida, pfn_ida or dax_ida. */
    readonly id: number,
  ) {}

  get name(): string {
    return `${this.kind}${this.region.id}.${this.id}`;
  }

  /** btt and pfn devices take the region's namespace type; nd_dax is always t7. */
  get modalias(): string {
    return modalias(this.kind === 'dax' ? ND_DEVICE.DAX_PMEM : this.region.nstype);
  }

  /** nd_detach_and_reset() for a device that stays (a seed, or bound): forget the configuration. */
  abstract resetConfig(): void;
}

/** nd_uuid_store(): EBUSY while bound, EINVAL for a malformed uuid; shown with %pUb or empty. */
export function uuidAttr<D extends NdClaimDevice>(): DeviceAttribute<D> {
  return rw(
    'uuid',
    (d) => line(d.uuid ? formatUuid(d.uuid) : ''),
    (d, buf, count) => {
      if (d.driver !== null) throw new KernelError('EBUSY');
      d.uuid = uuidParse(buf);
      return count;
    },
  );
}

/** namespace_show()/namespace_store() of all three: the claimed namespace's name. */
export function namespaceAttr<D extends NdClaimDevice>(): DeviceAttribute<D> {
  return rw('namespace', (d) => line(d.ndns?.name ?? ''), namespaceStore);
}

/** nd_numa_attribute_group: target_node only where the region has one. */
export function numaGroup<D extends NdClaimDevice>(): AttributeGroup<D> {
  return {
    attrs: [ro('numa_node', (d) => line(d.region.spec.numaNode)), ro('target_node', (d) => line(d.region.spec.targetNode ?? -1))],
    isVisible: (d, attr) => (attr.name === 'target_node' && d.region.spec.targetNode === null ? 0 : attr.mode),
  };
}
