// Byte access to a namespace's media while a driver has it enabled
// (drivers/nvdimm/claim.c nsio_rw_bytes, nd.h nvdimm_read_bytes and
// nvdimm_write_bytes): how the kernel reads and writes the btt/pfn/dax
// info blocks at the start of a namespace.
import { KernelError } from '../kernel/errno.js';
import type { NdNamespace } from './namespace-common.js';

/** Where `offset` of the namespace lies in its region's media. */
function mediaOffset(ns: NdNamespace, offset: bigint, length: number): bigint {
  // "request out of range": the namespace ends where its resource ends.
  if (offset < 0n || offset + BigInt(length) > ns.size) throw new KernelError('EFAULT');
  return ns.start - ns.region.spec.spa + offset;
}

export function nvdimmReadBytes(ns: NdNamespace, offset: bigint, length: number): Buffer {
  return ns.region.media.read(mediaOffset(ns, offset, length), length);
}

export function nvdimmWriteBytes(ns: NdNamespace, offset: bigint, data: Buffer): void {
  ns.region.media.write(mediaOffset(ns, offset, data.length), data);
}
