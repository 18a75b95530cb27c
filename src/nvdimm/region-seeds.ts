// The idle devices a region offers for configuration, and how they are
// replaced once used (drivers/nvdimm/region_devs.c nd_region_advance_seeds,
// namespace_devs.c nd_region_create_{ns,btt,pfn,dax}_seed, and the seeds
// nd_region_probe() creates).
import { allocClaimDevice } from './claim-device-alloc.js';
import { ND_DEVICE, type NdDevice } from './device.js';
import { NdClaimDevice, type ClaimKind } from './nd-claim-device.js';
import { NamespacePmem } from './namespace-pmem.js';
import type { NdRegion } from './region.js';

/** nd_region_create_ns_seed(): a pmem region publishes a new zero-sized namespace; an io region never does. */
export function createNsSeed(region: NdRegion): NamespacePmem | undefined {
  if (region.nstype === ND_DEVICE.NAMESPACE_IO) return undefined;
  const seed = new NamespacePmem(region, region.allocNamespaceId());
  region.namespaces.push(seed);
  region.nsSeed = seed;
  region.bus.changed();
  return seed;
}

/** nd_region_create_btt_seed() and friends (nd_btt_create, nd_pfn_create, nd_dax_create). */
export function createClaimSeed(region: NdRegion, kind: ClaimKind): NdClaimDevice {
  const dev = allocClaimDevice(region, kind);
  region.addClaimDevice(dev);
  region.seeds[kind] = dev;
  return dev;
}

/**
 * nd_region_advance_seeds(): after a child of the region probed, a seed
 * that got used is replaced: the namespace seed itself, or a btt/pfn/dax
 * seed (and the namespace seed too when that is what it claimed). Returns
 * the new devices, for the driver core to probe.
 */
export function advanceSeeds(region: NdRegion, dev: NdDevice): NdDevice[] {
  const created: Array<NdDevice | undefined> = [];
  if (region.nsSeed === dev) {
    created.push(createNsSeed(region));
  } else if (dev instanceof NdClaimDevice) {
    if (region.seed(dev.kind) === dev) created.push(createClaimSeed(region, dev.kind));
    if (region.nsSeed !== undefined && region.nsSeed === dev.ndns) created.push(createNsSeed(region));
  }
  return created.filter((d): d is NdDevice => d !== undefined);
}
