// The BTT arena info block (drivers/nvdimm/btt.h struct btt_sb): 4 KiB at
// the start of each arena, and its copy at the arena's end; checksummed
// like the pfn block (nd_sb_checksum).
import { decode, defineLayout, encode, u16, u32, u64, type Decoded } from '../platform/payload.js';
import { sbChecksum } from './pfn-sb.js';

export const BTT_SB_SIZE = 4096;
/** BTT_SIG: "BTT_ARENA_INFO\0", 16 bytes. */
const BTT_SIG = Buffer.from('BTT_ARENA_INFO\0\0', 'latin1');
const UUID_AT = 16;
const PARENT_UUID_AT = 32;

export const BTT_SB = defineLayout('btt_sb', BTT_SB_SIZE, {
  flags: u32(48),
  versionMajor: u16(52),
  versionMinor: u16(54),
  externalLbasize: u32(56),
  externalNlba: u32(60),
  internalLbasize: u32(64),
  internalNlba: u32(68),
  nfree: u32(72),
  infosize: u32(76),
  nextoff: u64(80),
  dataoff: u64(88),
  mapoff: u64(96),
  logoff: u64(104),
  info2off: u64(112),
  checksum: u64(4088),
});

export type BttSbFields = Decoded<(typeof BTT_SB)['fields']>;

export interface BttSb extends BttSbFields {
  uuid: Buffer;
  parentUuid: Buffer;
}

/**
 * nd_btt_arena_is_valid(): the signature, the parent uuid when the block
 * names one, and the checksum. Returns the decoded block, or undefined.
 */
export function validBttSb(block: Buffer, nsUuid: Buffer): BttSb | undefined {
  if (!block.subarray(0, BTT_SIG.length).equals(BTT_SIG)) return undefined;
  const parentUuid = Buffer.from(block.subarray(PARENT_UUID_AT, PARENT_UUID_AT + 16));
  if (!parentUuid.equals(Buffer.alloc(16)) && !parentUuid.equals(nsUuid)) return undefined;
  const fields = decode(BTT_SB, block);
  if (fields.checksum !== sbChecksum(block)) return undefined;
  return { ...fields, uuid: Buffer.from(block.subarray(UUID_AT, UUID_AT + 16)), parentUuid };
}

/** btt_arena_write_layout()'s block. */
export function encodeBttSb(uuid: Buffer, parentUuid: Buffer, fields: Omit<BttSbFields, 'checksum'>): Buffer {
  const block = Buffer.alloc(BTT_SB_SIZE);
  BTT_SIG.copy(block, 0);
  uuid.copy(block, UUID_AT);
  parentUuid.copy(block, PARENT_UUID_AT);
  encode(BTT_SB, block, fields);
  encode(BTT_SB, block, { checksum: sbChecksum(block) });
  return block;
}
