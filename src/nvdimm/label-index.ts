// The namespace index blocks at the start of a DIMM's label area
// (drivers/nvdimm/label.c, label.h struct nd_namespace_index): validation
// as nd_label_validate()/__nd_label_validate() do it, the sequence-number
// rules, the free-slot bitmap, and building a block as
// nd_label_write_index() does. Pure functions over the area's bytes; the
// reads and writes through the DIMM's ctl live in config-data.ts.
import { defineLayout, decode, encode, u16, u32, u64, u8 } from '../platform/payload.js';
import { LABEL_SIZES, NSINDEX_HEADER, indexOffset, labelBase, numLabelSlots, sizeofNamespaceIndex, type LabelGeometry } from './label-geometry.js';
import { fletcher64 } from './nd-fletcher64.js';

export const NSINDEX_SIGNATURE = Buffer.from('NAMESPACE_INDEX\0', 'latin1');
const NSINDEX_SEQ_MASK = 0x3;
/** u8 flags[3] after the signature, always written as zero. */
const FLAGS = { offset: 16, length: 3 } as const;
/** u8 free[]: the bitmap follows the header. */
const FREE_OFFSET = NSINDEX_HEADER;
const BITS_PER_LONG = 64;

/** struct nd_namespace_index without sig/flags (bytes 0..18) and the free bitmap. */
export const NAMESPACE_INDEX = defineLayout('nd_namespace_index', NSINDEX_HEADER, {
  labelsize: u8(19),
  seq: u32(20),
  myoff: u64(24),
  mysize: u64(32),
  otheroff: u64(40),
  labeloff: u64(48),
  nslot: u32(56),
  major: u16(60),
  minor: u16(62),
  checksum: u64(64),
});

/** nd_inc_seq(): 1 → 2 → 3 → 1; 0 is never a valid sequence number. */
export function incSeq(seq: number): number {
  return [0, 2, 3, 1][seq & NSINDEX_SEQ_MASK] ?? 0;
}

/** best_seq(): of two sequence numbers, the one written last. */
export function bestSeq(a: number, b: number): number {
  a &= NSINDEX_SEQ_MASK;
  b &= NSINDEX_SEQ_MASK;
  if (a === 0 || a === b) return b;
  if (b === 0) return a;
  if (incSeq(a) === b) return b;
  return a;
}

/** nd_label_next_nsindex(): the other block, or -1 when there is no current one. */
export function nextIndex(index: number): number {
  return index < 0 ? -1 : (index + 1) % 2;
}

/** The header of index block i, as stored. */
export function readIndex(data: Buffer, g: LabelGeometry, i: number) {
  return decode(NAMESPACE_INDEX, data, indexOffset(g, i));
}

/** Why __nd_label_validate() refuses an index block (its dev_dbg reasons, in its order). */
export type IndexDefect = 'signature' | 'labelsize' | 'checksum' | 'seq' | 'myoff' | 'otheroff' | 'labeloff' | 'mysize' | 'nslot';

/** The checks __nd_label_validate() runs on one block; null when the block is valid. */
export function checkIndexBlock(data: Buffer, g: LabelGeometry, i: number): IndexDefect | null {
  const size = sizeofNamespaceIndex(g);
  const at = indexOffset(g, i);
  if (at + size > data.length || at + NSINDEX_HEADER > data.length) return 'signature';
  if (!data.subarray(at, at + NSINDEX_SIGNATURE.length).equals(NSINDEX_SIGNATURE)) return 'signature';
  const ix = decode(NAMESPACE_INDEX, data, at);

  // Label sizes other than 128 bytes arrived with v1.2, as log2(size) - 7.
  const version = ix.major * 100 + ix.minor;
  let labelSize = 128;
  if (version >= 102) {
    if (ix.labelsize > 1) return 'labelsize';
    labelSize = 1 << (7 + ix.labelsize);
  }
  if (labelSize !== g.labelSize) return 'labelsize';

  // The checksum covers the whole block with its own field zeroed.
  const block = Buffer.from(data.subarray(at, at + size));
  encode(NAMESPACE_INDEX, block, { checksum: 0n });
  if (fletcher64(block) !== ix.checksum) return 'checksum';

  if ((ix.seq & NSINDEX_SEQ_MASK) === 0) return 'seq';
  if (ix.myoff !== BigInt(i * size)) return 'myoff';
  if (ix.otheroff !== BigInt((i === 0 ? 1 : 0) * size)) return 'otheroff';
  if (ix.labeloff !== BigInt(2 * size)) return 'labeloff';
  if (ix.mysize > BigInt(size) || ix.mysize < BigInt(NSINDEX_HEADER)) return 'mysize';
  if (BigInt(ix.nslot) * BigInt(g.labelSize) + BigInt(2 * size) > BigInt(g.configSize)) return 'nslot';
  return null;
}

/**
 * __nd_label_validate(): the current index block (0 or 1) for this label
 * size, or -1. With two valid blocks the later sequence number wins.
 */
export function validateIndex(data: Buffer, g: LabelGeometry): number {
  const valid = [0, 1].map((i) => checkIndexBlock(data, g, i) === null);
  if (valid[0] && valid[1]) {
    const seq0 = readIndex(data, g, 0).seq;
    const seq1 = readIndex(data, g, 1).seq;
    return bestSeq(seq0, seq1) === (seq1 & NSINDEX_SEQ_MASK) ? 1 : 0;
  }
  if (valid[0]) return 0;
  if (valid[1]) return 1;
  return -1;
}

/**
 * nd_label_validate(): the label size is not known until an index
 * validates, so probe 128 (v1.1) then 256 (v1.2). On failure the last size
 * tried stays in effect, which is what available_slots then counts with.
 */
export function labelValidate(data: Buffer, configSize: number): { current: number; labelSize: number } {
  let labelSize: number = LABEL_SIZES[0];
  for (const size of LABEL_SIZES) {
    labelSize = size;
    const current = validateIndex(data, { configSize, labelSize });
    if (current >= 0) return { current, labelSize };
  }
  return { current: -1, labelSize };
}

/** The free[] bitmap of index block i (nslot bits, little-endian bit order). */
function freeBitmap(data: Buffer, g: LabelGeometry, i: number): Buffer {
  const at = indexOffset(g, i) + FREE_OFFSET;
  return data.subarray(at, indexOffset(g, i) + sizeofNamespaceIndex(g));
}

/** test_bit_le() on the free bitmap: a set bit is a free slot. */
export function slotIsFree(data: Buffer, g: LabelGeometry, i: number, slot: number): boolean {
  const bitmap = freeBitmap(data, g, i);
  return (((bitmap[slot >> 3] ?? 0) >> (slot & 7)) & 1) === 1;
}

/** set_bit_le()/clear_bit_le() on the free bitmap. */
export function markSlot(data: Buffer, g: LabelGeometry, i: number, slot: number, free: boolean): void {
  const bitmap = freeBitmap(data, g, i);
  const byte = bitmap[slot >> 3] ?? 0;
  bitmap[slot >> 3] = free ? byte | (1 << (slot & 7)) : byte & ~(1 << (slot & 7));
}

/** for_each_clear_bit_le(): the slots index block i records as in use. */
export function usedSlots(data: Buffer, g: LabelGeometry, i: number): number[] {
  const { nslot } = readIndex(data, g, i);
  const out: number[] = [];
  for (let slot = 0; slot < nslot; slot++) if (!slotIsFree(data, g, i, slot)) out.push(slot);
  return out;
}

/** bitmap_weight(free, nslot): how many slots index block i has free. */
export function countFree(data: Buffer, g: LabelGeometry, i: number): number {
  const { nslot } = readIndex(data, g, i);
  let n = 0;
  for (let slot = 0; slot < nslot; slot++) if (slotIsFree(data, g, i, slot)) n += 1;
  return n;
}

/** find_next_bit_le(free, nslot, 0): the first free slot, or nslot when none is. */
export function firstFreeSlot(data: Buffer, g: LabelGeometry, i: number): number {
  const { nslot } = readIndex(data, g, i);
  for (let slot = 0; slot < nslot; slot++) if (slotIsFree(data, g, i, slot)) return slot;
  return nslot;
}

/**
 * nd_label_write_index() up to the write: fill in index block `i` of
 * `data` with sequence number `seq` and return the block's bytes. A fresh
 * block (`init`, ND_NSINDEX_INIT) gets nvdimm_num_label_slots() slots, all
 * free, with the bitmap's padding bits cleared; otherwise nslot and the
 * bitmap are kept as they are in memory.
 */
export function buildIndexBlock(data: Buffer, g: LabelGeometry, i: number, seq: number, init: boolean): Buffer {
  const size = sizeofNamespaceIndex(g);
  const at = indexOffset(g, i);
  const nslot = init ? numLabelSlots(g) : readIndex(data, g, i).nslot;
  NSINDEX_SIGNATURE.copy(data, at);
  data.fill(0, at + FLAGS.offset, at + FLAGS.offset + FLAGS.length);
  encode(
    NAMESPACE_INDEX,
    data,
    {
      labelsize: g.labelSize >> 8,
      seq,
      myoff: BigInt(at),
      mysize: BigInt(size),
      otheroff: BigInt(indexOffset(g, nextIndex(i))),
      labeloff: BigInt(labelBase(g)),
      nslot,
      major: 1,
      minor: g.labelSize < 256 ? 1 : 2,
      checksum: 0n,
    },
    at,
  );
  if (init) {
    const nfree = Math.ceil(nslot / BITS_PER_LONG) * BITS_PER_LONG;
    data.fill(0xff, at + FREE_OFFSET, at + FREE_OFFSET + nfree / 8);
    for (let slot = nslot; slot < nfree; slot++) markSlot(data, g, i, slot, false);
  }
  const block = data.subarray(at, at + size);
  encode(NAMESPACE_INDEX, data, { checksum: fletcher64(block) }, at);
  return block;
}

/** nd_label_copy(): one index block over the other, byte for byte. */
export function copyIndex(data: Buffer, g: LabelGeometry, to: number, from: number): void {
  const size = sizeofNamespaceIndex(g);
  data.copy(data, indexOffset(g, to), indexOffset(g, from), indexOffset(g, from) + size);
}
