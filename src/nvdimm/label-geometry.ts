// Label-area geometry (drivers/nvdimm/label.c): how many label slots fit,
// given the area size and the label size in use.

/** NSINDEX_ALIGN: each namespace index block is rounded up to 256 bytes. */
const NSINDEX_ALIGN = 256;
/** sizeof(struct nd_namespace_index) without its free bitmap. */
const NSINDEX_HEADER = 72;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** __sizeof_namespace_index(): header plus a free bitmap of nslot bits. */
function sizeofNamespaceIndex(nslot: number): number {
  return align(NSINDEX_HEADER + Math.ceil(nslot / 8), NSINDEX_ALIGN);
}

/** nvdimm_num_label_slots(): slots left once two index blocks are carved out. */
export function numLabelSlots(configSize: number, labelSize: number): number {
  const tmpNslot = Math.floor(configSize / labelSize);
  const indexSize = Math.floor(sizeofNamespaceIndex(tmpNslot) / NSINDEX_ALIGN) * NSINDEX_ALIGN;
  return Math.floor((configSize - indexSize * 2) / labelSize);
}

/**
 * The label size the kernel settles on for an area without a valid index:
 * nd_label_validate() tries 128 then 256 bytes and leaves the last one set.
 */
export const LABEL_SIZE_WITHOUT_INDEX = 256;
