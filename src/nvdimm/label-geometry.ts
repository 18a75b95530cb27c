// Label-area geometry (drivers/nvdimm/label.c): where the two namespace
// index blocks and the label slots sit, given the area size and the label
// size in use. Every other label routine derives its offsets from these.

/** NSINDEX_ALIGN: each namespace index block is rounded up to 256 bytes. */
export const NSINDEX_ALIGN = 256;
/** sizeof(struct nd_namespace_index) without its free bitmap. */
export const NSINDEX_HEADER = 72;
/** The label sizes nd_label_validate() probes for, in its order: v1.1 then v1.2. */
export const LABEL_SIZES = [128, 256] as const;

export interface LabelGeometry {
  /** nsarea.config_size */
  readonly configSize: number;
  /** ndd->nslabel_size */
  readonly labelSize: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** __sizeof_namespace_index(): header plus a free bitmap of nslot bits. */
export function sizeofIndexFor(nslot: number): number {
  return align(NSINDEX_HEADER + Math.ceil(nslot / 8), NSINDEX_ALIGN);
}

/** nvdimm_num_label_slots(): slots left once two index blocks are carved out. */
export function numLabelSlots(g: LabelGeometry): number {
  const tmpNslot = Math.floor(g.configSize / g.labelSize);
  const indexSize = Math.floor(sizeofIndexFor(tmpNslot) / NSINDEX_ALIGN) * NSINDEX_ALIGN;
  return Math.floor((g.configSize - indexSize * 2) / g.labelSize);
}

/**
 * sizeof_namespace_index(): the size of one index block, or 0 when the area
 * cannot hold two index blocks and two labels (UEFI 2.7's minimum).
 */
export function sizeofNamespaceIndex(g: LabelGeometry): number {
  const nslot = numLabelSlots(g);
  const space = g.configSize - nslot * g.labelSize;
  const size = sizeofIndexFor(nslot) * 2;
  if (size <= space && nslot >= 2) return size / 2;
  return 0;
}

/** to_namespace_index(): byte offset of index block i. */
export function indexOffset(g: LabelGeometry, i: number): number {
  return sizeofNamespaceIndex(g) * i;
}

/** nd_label_base(): the first label slot follows both index blocks. */
export function labelBase(g: LabelGeometry): number {
  return 2 * sizeofNamespaceIndex(g);
}

/** to_label(): byte offset of a label slot. */
export function labelOffset(g: LabelGeometry, slot: number): number {
  return labelBase(g) + g.labelSize * slot;
}
