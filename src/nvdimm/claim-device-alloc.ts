// nd_btt_alloc(), nd_pfn_alloc(), nd_dax_alloc() (drivers/nvdimm/
// {btt,pfn,dax}_devs.c): a new device of a region, with the lowest id free
// in the region's ida of its kind, not registered yet.
import type { ClaimKind } from './nd-claim-device.js';
import { NdBtt } from './nd-btt.js';
import { NdDax, NdPfn } from './nd-pfn.js';
import type { NdRegion } from './region.js';

interface ByKind {
  btt: NdBtt;
  pfn: NdPfn;
  dax: NdDax;
}

const CONSTRUCTORS: { [K in ClaimKind]: new (region: NdRegion, id: number) => ByKind[K] } = { btt: NdBtt, pfn: NdPfn, dax: NdDax };

export function allocClaimDevice<K extends ClaimKind>(region: NdRegion, kind: K): ByKind[K] {
  const Ctor = CONSTRUCTORS[kind];
  return new Ctor(region, region.allocClaimId(kind));
}
