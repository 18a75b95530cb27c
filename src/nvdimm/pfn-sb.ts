// The pfn/dax info block (drivers/nvdimm/pfn.h struct nd_pfn_sb): 4 KiB at
// namespace offset 4 KiB, describing where the data starts and how the
// memmap is placed. nd_sb_checksum() (claim.c) covers the whole block with
// the checksum field zeroed.
import { decode, defineLayout, encode, u16, u32, u64, type Decoded } from '../platform/payload.js';
import { fletcher64 } from './nd-fletcher64.js';

export const PFN_SB_SIZE = 4096;
/** PFN_SIG / DAX_SIG: 16 bytes, NUL-padded. */
export const PFN_SIG = 'NVDIMM_PFN_INFO';
export const DAX_SIG = 'NVDIMM_DAX_INFO';
const PFN_SIG_LEN = 16;
const UUID_AT = 16;
const PARENT_UUID_AT = 32;

export const PFN_SB = defineLayout('nd_pfn_sb', PFN_SB_SIZE, {
  flags: u32(48),
  versionMajor: u16(52),
  versionMinor: u16(54),
  dataoff: u64(56),
  npfns: u64(64),
  mode: u32(72),
  startPad: u32(76),
  endTrunc: u32(80),
  align: u32(84),
  pageSize: u32(88),
  pageStructSize: u16(92),
  checksum: u64(4088),
});

/** The decoded fields, writable: nd_pfn_validate() fills in defaults for older minor versions. */
export type PfnSbFields = { -readonly [K in keyof Decoded<(typeof PFN_SB)['fields']>]: Decoded<(typeof PFN_SB)['fields']>[K] };

/** An info block as read: its scalar fields, signature and uuids. */
export interface PfnSb extends PfnSbFields {
  signature: Buffer;
  uuid: Buffer;
  parentUuid: Buffer;
}

function signatureBytes(sig: string): Buffer {
  const b = Buffer.alloc(PFN_SIG_LEN);
  b.write(sig, 'latin1');
  return b;
}

export function signatureMatches(sb: PfnSb, sig: string): boolean {
  return sb.signature.equals(signatureBytes(sig));
}

/** nd_sb_checksum(): fletcher64 of the block with its checksum field zero. */
export function sbChecksum(block: Buffer): bigint {
  const copy = Buffer.from(block.subarray(0, PFN_SB_SIZE));
  copy.writeBigUInt64LE(0n, PFN_SB.fields.checksum.offset);
  return fletcher64(copy);
}

export function decodePfnSb(block: Buffer): PfnSb {
  return {
    ...decode(PFN_SB, block),
    signature: Buffer.from(block.subarray(0, PFN_SIG_LEN)),
    uuid: Buffer.from(block.subarray(UUID_AT, UUID_AT + 16)),
    parentUuid: Buffer.from(block.subarray(PARENT_UUID_AT, PARENT_UUID_AT + 16)),
  };
}

/** nd_pfn_init()'s block: every field set, then the checksum over the rest. */
export function encodePfnSb(sig: string, uuid: Buffer, parentUuid: Buffer, fields: Omit<PfnSbFields, 'checksum'>): Buffer {
  const block = Buffer.alloc(PFN_SB_SIZE);
  signatureBytes(sig).copy(block, 0);
  uuid.copy(block, UUID_AT);
  parentUuid.copy(block, PARENT_UUID_AT);
  encode(PFN_SB, block, fields);
  encode(PFN_SB, block, { checksum: sbChecksum(block) });
  return block;
}
