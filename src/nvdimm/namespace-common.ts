// struct nd_namespace_common (include/linux/nd.h): what every namespace
// type shares, and the attributes namespace_devs.c shows the same way for
// both (holder, holder_class, mode, force_raw).
import { KernelError } from '../kernel/errno.js';
import { line } from '../kernel/format.js';
import { kstrtobool, sysfsStreq } from '../kernel/parse.js';
import { ro, rw, type DeviceAttribute } from './attribute.js';
import { HOLDER_CLASS_NAME, type ClaimClass } from './claim-class.js';
import { toNdd } from './dpa-alloc.js';
import type { ClaimKind } from './nd-claim-device.js';
import type { NamespaceIo } from './namespace-io.js';
import type { NamespacePmem } from './namespace-pmem.js';
import type { NdRegion } from './region.js';

export type NdNamespace = NamespaceIo | NamespacePmem;

/** mode_show(): a claim names the personality; unclaimed NFIT namespaces are not page-mappable, so "raw". */
const MODE_OF_CLAIM: Readonly<Record<ClaimKind, string>> = { btt: 'safe', pfn: 'memory', dax: 'dax' };

/** nd_dev_to_uuid(): a pmem namespace's uuid; io namespaces have none (uuid_null). */
export function namespaceUuid(ns: NdNamespace): Buffer {
  return ('uuid' in ns ? ns.uuid : null) ?? Buffer.alloc(16);
}

export function holderAttr<N extends NdNamespace>(): DeviceAttribute<N> {
  return ro('holder', (ns) => line(ns.claim?.name ?? ''));
}

export function modeAttr<N extends NdNamespace>(): DeviceAttribute<N> {
  return ro('mode', (ns) => line(ns.claim ? MODE_OF_CLAIM[ns.claim.kind] : 'raw'));
}

/** force_raw_store(): strtobool, at any time; nd_pmem then ignores btt/pfn/dax info blocks. */
export function forceRawAttr<N extends NdNamespace>(): DeviceAttribute<N> {
  return rw(
    'force_raw',
    (ns) => line(ns.forceRaw ? 1 : 0),
    (ns, buf, count) => {
      ns.forceRaw = kstrtobool(buf);
      return count;
    },
  );
}

/**
 * btt_claim_class(): BTT 1.1 for v1.1 labels (or a DIMM without label
 * support), BTT 2.0 for v1.2 labels or none yet; ENXIO when the DIMMs
 * disagree.
 */
export function bttClaimClass(region: NdRegion): ClaimClass {
  let mask = 0;
  for (const m of region.mappings) {
    const ndd = toNdd(m);
    if (!ndd) {
      mask = 0;
      break;
    }
    const v = ndd.currentVersion();
    if (!v) mask |= 1;
    else if (v.major === 1 && v.minor === 1) mask |= 2;
    else mask |= 4;
  }
  if (mask === 0 || mask === 2) return 'btt';
  if (mask === 1 || mask === 4) return 'btt2';
  throw new KernelError('ENXIO');
}

/**
 * holder_class_store(): which personality may claim the namespace. EBUSY
 * while bound or claimed; then `updated` runs (the label update of a pmem
 * namespace).
 */
export function holderClassAttr<N extends NdNamespace>(updated: (ns: N) => void = () => {}): DeviceAttribute<N> {
  return rw(
    'holder_class',
    (ns) => line(HOLDER_CLASS_NAME[ns.claimClass]),
    (ns, buf, count) => {
      if (ns.driver !== null || ns.claim) throw new KernelError('EBUSY');
      if (sysfsStreq(buf, 'btt')) ns.claimClass = bttClaimClass(ns.region);
      else if (sysfsStreq(buf, 'pfn')) ns.claimClass = 'pfn';
      else if (sysfsStreq(buf, 'dax')) ns.claimClass = 'dax';
      else if (sysfsStreq(buf, '')) ns.claimClass = 'none';
      else throw new KernelError('EINVAL');
      updated(ns);
      return count;
    },
  );
}
