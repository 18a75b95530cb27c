// The dax_pmem driver (drivers/dax/pmem.c __dax_pmem_probe, bus.c
// alloc_dax_region and devm_create_dev_dax): it binds an nd_dax device,
// validates or writes its info block like nd_pmem does for pfn devices,
// and publishes the data range as a static dax_region with one device-dax
// instance named after the namespace (namespaceR.N → daxR.N).
import { ERRNO, KernelError } from '../kernel/errno.js';
import { DaxRegion, DevDax } from './dax-region.js';
import { namespaceCommonProbe } from './nd-pmem.js';
import type { NdDax } from './nd-pfn.js';
import { nvdimmSetupPfn, pfnDataRange } from './pfn-setup.js';

const NAMESPACE_NAME = /^namespace(\d+)\.(\d+)$/;

/** What the probe needs from the dax core: a char minor for the instance. */
export interface DaxCore {
  allocDaxMinor(): number;
}

export function daxPmemProbe(dax: NdDax, core: DaxCore): DaxRegion {
  const ns = namespaceCommonProbe(dax);
  const rc = nvdimmSetupPfn(dax);
  if (rc || !dax.sb) throw KernelError.fromErrno(rc ? -rc : ERRNO.ENXIO);
  // sscanf(dev_name(&ndns->dev), "namespace%d.%d", &region_id, &id)
  const m = NAMESPACE_NAME.exec(ns.name);
  if (!m) throw new KernelError('EINVAL');
  const range = pfnDataRange(dax.sb, ns);
  const align = BigInt(dax.sb.align);
  // alloc_dax_region() refuses a range its alignment does not divide.
  if (align === 0n || range.start % align !== 0n || range.size % align !== 0n) throw new KernelError('ENOMEM');
  const region = new DaxRegion(dax, Number(m[1]), range.start, range.size, align, ns.region.spec.targetNode ?? -1);
  region.devDax = new DevDax(region, Number(m[2]), core.allocDaxMinor());
  return region;
}
