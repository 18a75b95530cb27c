// What `ndctl init-labels` (pmem/ndctl v76.1, ndctl/lib/dimm.c
// write_label_index and its helpers) writes to a DIMM's label area: two
// namespace index blocks, sequence numbers 3 then 2. Written out here from
// ndctl's code, independently of ndsim's kernel-side implementation, so a
// test can write what the real tool writes. Note ndctl fills the whole
// ALIGN(nslot, 64)-bit free bitmap with ones, padding bits included.

export type LabelVersion = '1.1' | '1.2';

const NSINDEX_ALIGN = 256;
const NSINDEX_HEADER = 72;
const SIGNATURE = 'NAMESPACE_INDEX\0';

function fletcher64(buf: Buffer): bigint {
  let lo = 0n;
  let hi = 0n;
  for (let i = 0; i + 4 <= buf.length; i += 4) {
    lo = (lo + BigInt(buf.readUInt32LE(i))) & 0xffffffffn;
    hi = (hi + lo) & 0xffffffffffffffffn;
  }
  return ((hi << 32n) | lo) & 0xffffffffffffffffn;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const sizeofIndexFor = (nslot: number) => alignUp(NSINDEX_HEADER + Math.ceil(nslot / 8), NSINDEX_ALIGN);

export function numLabelSlots(configSize: number, labelSize: number): number {
  const n = sizeofIndexFor(Math.floor(configSize / labelSize)) / NSINDEX_ALIGN;
  return Math.floor((configSize - NSINDEX_ALIGN * n * 2) / labelSize);
}

export function sizeofNamespaceIndex(configSize: number, labelSize: number): number {
  const nslot = numLabelSlots(configSize, labelSize);
  const space = configSize - nslot * labelSize;
  const size = sizeofIndexFor(nslot) * 2;
  return size <= space && nslot >= 2 ? size / 2 : 0;
}

export interface IndexFields {
  seq: number;
  labelSize: number;
  /** Overrides for building broken blocks in tests. */
  major?: number;
  minor?: number;
  labelsizeField?: number;
  myoff?: bigint;
  otheroff?: bigint;
  labeloff?: bigint;
  mysize?: bigint;
  nslot?: number;
  signature?: string;
}

/**
 * write_label_index(): index block `index` over `area` (ndctl's in-memory
 * copy of the label area), returned as the bytes ndctl sends to its offset.
 */
export function writeLabelIndex(area: Buffer, index: number, f: IndexFields): { offset: number; bytes: Buffer } {
  const configSize = area.length;
  const size = sizeofNamespaceIndex(configSize, f.labelSize);
  const nslot = f.nslot ?? numLabelSlots(configSize, f.labelSize);
  const at = index * size;
  const b = area.subarray(at, at + size);
  b.write((f.signature ?? SIGNATURE).padEnd(16, '\0').slice(0, 16), 0, 'latin1');
  b.fill(0, 16, 19);
  b.writeUInt8(f.labelsizeField ?? f.labelSize >> 8, 19);
  b.writeUInt32LE(f.seq, 20);
  b.writeBigUInt64LE(f.myoff ?? BigInt(at), 24);
  b.writeBigUInt64LE(f.mysize ?? BigInt(size), 32);
  b.writeBigUInt64LE(f.otheroff ?? BigInt(((index + 1) % 2) * size), 40);
  b.writeBigUInt64LE(f.labeloff ?? BigInt(2 * size), 48);
  b.writeUInt32LE(nslot, 56);
  b.writeUInt16LE(f.major ?? 1, 60);
  b.writeUInt16LE(f.minor ?? (f.labelSize < 256 ? 1 : 2), 62);
  b.writeBigUInt64LE(0n, 64);
  b.fill(0xff, NSINDEX_HEADER, NSINDEX_HEADER + alignUp(nslot, 64) / 8);
  b.writeBigUInt64LE(fletcher64(b), 64);
  return { offset: at, bytes: Buffer.from(b) };
}

/** ndctl_dimm_init_labels(): both blocks, seq 3 then 2, for the chosen label version. */
export function initLabelsImage(area: Buffer, version: LabelVersion = '1.1'): Array<{ offset: number; bytes: Buffer }> {
  const labelSize = version === '1.1' ? 128 : 256;
  return [0, 1].map((i) => writeLabelIndex(area, i, { seq: 3 - i, labelSize }));
}
