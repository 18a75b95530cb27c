// drivers/nvdimm/core.c nd_fletcher64(): the checksum of interleave-set
// cookies, namespace index blocks and (v1.2) namespace labels.

/** nd_fletcher64(addr, len, le=true): 32-bit little-endian words; a trailing partial word is ignored. */
export function fletcher64(buf: Buffer): bigint {
  let lo = 0n;
  let hi = 0n;
  for (let i = 0; i + 4 <= buf.length; i += 4) {
    lo = (lo + BigInt(buf.readUInt32LE(i))) & 0xffff_ffffn;
    hi = (hi + lo) & 0xffff_ffff_ffff_ffffn;
  }
  return ((hi << 32n) | lo) & 0xffff_ffff_ffff_ffffn;
}
