// The nd_pmem driver's view of a raw namespace (drivers/nvdimm/pmem.c
// nd_pmem_probe, namespace_devs.c nvdimm_namespace_common_probe and
// nvdimm_namespace_disk_name): whether it may bind, and the name of the
// block device it then registers. ndsim keeps no media, so no btt/pfn/dax
// info block is ever found and a namespace that may bind is attached raw.
import { KernelError } from '../kernel/errno.js';
import type { NdNamespace } from './namespace-common.js';
import { NamespacePmem } from './namespace-pmem.js';

/** ND_MIN_NAMESPACE_SIZE (include/uapi/linux/ndctl.h): one page. */
const ND_MIN_NAMESPACE_SIZE = 4096n;

/** nvdimm_namespace_common_probe() for a namespace bound directly: throws why it may not bind. */
export function pmemProbe(ns: NdNamespace): void {
  if (ns.claim) throw new KernelError('ENXIO', `claimed by ${ns.claim.name}`);
  // nvdimm_namespace_locked(): a DIMM whose label commands reported locked capacity.
  if (ns.region.mappings.some((m) => m.dimm.flags.locked)) throw new KernelError('EACCES');
  if (ns.size < ND_MIN_NAMESPACE_SIZE) throw new KernelError('ENODEV', 'too small');
  if (ns instanceof NamespacePmem && !ns.uuid) throw new KernelError('ENODEV', 'uuid not set');
}

/** nvdimm_namespace_disk_name(): pmemR for id 0 (and io namespaces), pmemR.N otherwise. */
export function pmemDiskName(ns: NdNamespace): string {
  const id = ns instanceof NamespacePmem ? ns.id : 0;
  return id ? `pmem${ns.region.id}.${id}` : `pmem${ns.region.id}`;
}
