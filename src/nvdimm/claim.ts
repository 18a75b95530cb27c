// Claiming a namespace for a btt, pfn or dax device (drivers/nvdimm/claim.c
// __nd_attach_ndns, __nd_detach_ndns, is_idle, nd_detach_and_reset,
// nd_namespace_store).
import { KernelError } from '../kernel/errno.js';
import { strim } from '../kernel/parse.js';
import type { ClaimClass } from './claim-class.js';
import type { ClaimKind, NdClaimDevice } from './nd-claim-device.js';
import type { NdNamespace } from './namespace-common.js';

/** The smallest namespace a btt, pfn or dax device may claim (nd_namespace_store()). */
const SZ_16M = 16n * 1024n * 1024n;

/**
 * nd_namespace_store()'s claim-class switch: which personalities a
 * namespace's holder_class (or its labels' abstraction GUID) admits.
 * NONE admits any; an unknown class admits none.
 */
const CLAIM_CLASS_ADMITS: Readonly<Record<ClaimClass, readonly ClaimKind[]>> = {
  none: ['btt', 'pfn', 'dax'],
  btt: ['btt'],
  btt2: ['btt'],
  pfn: ['pfn'],
  dax: ['dax'],
  unknown: [],
};

/** __nd_attach_ndns(): false when another device holds the namespace already. */
export function attachNamespace(dev: NdClaimDevice, ns: NdNamespace): boolean {
  if (ns.claim) return false;
  ns.claim = dev;
  dev.ndns = ns;
  return true;
}

/** __nd_detach_ndns() */
export function detachNamespace(dev: NdClaimDevice): void {
  const ns = dev.ndns;
  if (!ns) return;
  if (ns.claim === dev) ns.claim = undefined;
  dev.ndns = undefined;
}

/** is_idle(): neither the region's seed of its kind, nor attached, nor bound. */
function isIdle(dev: NdClaimDevice): boolean {
  return dev.region.seed(dev.kind) !== dev && !dev.ndns && dev.driver === null;
}

/** nd_detach_and_reset(): detach, then an idle device goes away and any other forgets its settings. */
function detachAndReset(dev: NdClaimDevice): void {
  detachNamespace(dev);
  if (isIdle(dev)) dev.region.unregisterClaimDevice(dev);
  else dev.resetConfig();
}

/**
 * nd_namespace_store(): attach a namespace of the same region by name, or
 * detach with an empty string. Only while unbound; the namespace's claim
 * class must admit this kind of device and it must hold at least 16 MiB.
 */
export function namespaceStore(dev: NdClaimDevice, buf: string, count: number): number {
  if (dev.driver !== null) throw new KernelError('EBUSY');
  const name = strim(buf);
  if (name !== '' && !name.startsWith('namespace')) throw new KernelError('EINVAL');
  if (name === '') {
    detachAndReset(dev);
    return count;
  }
  if (dev.ndns) throw new KernelError('EBUSY');
  const found = dev.region.namespaces.find((ns) => ns.name === name);
  if (!found) throw new KernelError('ENODEV');
  if (!CLAIM_CLASS_ADMITS[found.claimClass].includes(dev.kind)) throw new KernelError('EBUSY');
  if (found.size < SZ_16M) throw new KernelError('ENXIO');
  if (!attachNamespace(dev, found)) throw new KernelError('EBUSY');
  return count;
}
