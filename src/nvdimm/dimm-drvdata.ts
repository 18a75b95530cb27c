// struct nvdimm_drvdata (drivers/nvdimm/nd.h): what the nvdimm driver keeps
// for a bound DIMM — the label area's geometry, the kernel's copy of it,
// which index block is current, and the DPA allocations (ndd->dpa). The
// label.c routines that work on that copy sit here as methods:
// nd_label_data_init, nd_label_reserve_dpa, the active-label walk, slot
// allocation in the staging index and nd_label_write_index.
import { ERRNO } from '../kernel/errno.js';
import { getConfigData, setConfigData } from './config-data.js';
import type { Nvdimm } from './dimm.js';
import { DpaSpace } from './dpa-resource.js';
import { LABEL_SIZES, labelBase, labelOffset, numLabelSlots, sizeofNamespaceIndex, type LabelGeometry } from './label-geometry.js';
import { buildIndexBlock, copyIndex, countFree, firstFreeSlot, labelValidate, markSlot, nextIndex, readIndex, slotIsFree, usedSlots } from './label-index.js';
import { labelChecksumValid, labelFields, labelUuid } from './namespace-label.js';
import { formatUuid } from './uuid.js';

/** nd_label_gen_id(): the DPA allocation name of a namespace. */
export function labelId(uuid: Buffer): string {
  return `pmem-${formatUuid(uuid)}`;
}

export interface Nsarea {
  status: number;
  configSize: number;
  maxXfer: number;
}

export class NvdimmDrvdata {
  nsarea: Nsarea = { status: 0, configSize: 0, maxXfer: 0 };
  nslabelSize = 0;
  /** ndd->data: the kernel's copy of the label area, config_size bytes once read. */
  data: Buffer | undefined;
  nsCurrent = -1;
  nsNext = -1;
  readonly dpa = new DpaSpace();

  constructor(readonly dimm: Nvdimm) {}

  get geometry(): LabelGeometry {
    return { configSize: this.nsarea.configSize, labelSize: this.nslabelSize };
  }

  private get bytes(): Buffer {
    if (!this.data) throw new Error(`${this.dimm.name}: label data used before nd_label_data_init()`);
    return this.data;
  }

  /**
   * nd_label_data_init(): read both index blocks in as few max_xfer-sized
   * reads as possible, validate them, then read every label the current
   * index marks in use (free slots are left zeroed in the copy).
   */
  labelDataInit(): number {
    if (this.data) return 0;
    const { status, maxXfer, configSize } = this.nsarea;
    if (status || maxXfer === 0 || configSize === 0) return -ERRNO.ENXIO;

    // The smallest label size gives the largest index blocks.
    this.nslabelSize = LABEL_SIZES[0];
    let readSize = sizeofNamespaceIndex(this.geometry) * 2;
    if (!readSize) return -ERRNO.ENXIO;
    this.data = Buffer.alloc(configSize);

    // Shrink the transfer size so the last read wastes little, but read the indexes in one go.
    let xfer = Math.min(maxXfer, configSize);
    if (readSize < xfer) {
      xfer -= Math.floor((xfer - 1 - ((configSize - 1) % xfer)) / Math.ceil(configSize / xfer));
      if (xfer < readSize) xfer = readSize;
    }
    readSize = Math.min(Math.ceil(readSize / xfer) * xfer, configSize);

    let rc = getConfigData(this, this.data.subarray(0, readSize), 0, readSize);
    if (rc) return rc;

    const { current, labelSize } = labelValidate(this.data, configSize);
    this.nslabelSize = labelSize;
    this.nsCurrent = current;
    if (current < 0) return 0;
    this.nsNext = nextIndex(current);
    copyIndex(this.data, this.geometry, this.nsNext, current);

    const g = this.geometry;
    const { nslot } = readIndex(this.data, g, current);
    let offset = labelBase(g);
    for (let slot = 0; slot < nslot; slot++, offset += labelSize) {
      if (slotIsFree(this.data, g, current, slot)) {
        this.data.fill(0, offset, offset + labelSize);
        continue;
      }
      if (offset + labelSize <= readSize) continue;
      if (readSize < offset) readSize = offset;
      let chunk = Math.ceil((offset + labelSize - readSize) / xfer) * xfer;
      if (readSize + chunk > configSize) chunk = configSize - readSize;
      rc = getConfigData(this, this.data.subarray(readSize, readSize + chunk), readSize, chunk);
      if (rc) return rc;
      readSize += chunk;
    }
    return rc;
  }

  /** to_label(): the bytes of one slot in the kernel's copy. */
  label(slot: number): Buffer {
    const at = labelOffset(this.geometry, slot);
    return this.bytes.subarray(at, at + this.nslabelSize);
  }

  /** slot_valid(): written where it claims to be, with a good checksum (v1.2). */
  slotValid(slot: number): boolean {
    const label = this.label(slot);
    if (labelFields(label).slot !== slot) return false;
    return labelChecksumValid(label, this.nslabelSize);
  }

  /** The valid labels the current index marks in use (nd_label_active_count / nd_label_active). */
  activeSlots(): number[] {
    if (this.nsCurrent < 0) return [];
    return usedSlots(this.bytes, this.geometry, this.nsCurrent).filter((slot) => this.slotValid(slot));
  }

  /** nd_label_reserve_dpa(): claim the DPA every active label describes; -EBUSY on overlap. */
  reserveLabelDpa(): number {
    for (const slot of this.activeSlots()) {
      const label = this.label(slot);
      const { dpa, rawsize } = labelFields(label);
      if (!this.dpa.request(labelId(labelUuid(label)), dpa, rawsize)) return -ERRNO.EBUSY;
    }
    return 0;
  }

  /** The (major, minor) of the current index block, or null without one (to_namespace_index(ns_current)). */
  currentVersion(): { major: number; minor: number } | null {
    if (this.nsCurrent < 0 || !this.data) return null;
    const { major, minor } = readIndex(this.data, this.geometry, this.nsCurrent);
    return { major, minor };
  }

  /** The staging index's version (preamble_next()), or null without one. */
  nextVersion(): { major: number; minor: number } | null {
    if (this.nsNext < 0 || !this.data) return null;
    const { major, minor } = readIndex(this.data, this.geometry, this.nsNext);
    return { major, minor };
  }

  /** The staging index's sequence number. */
  nextSeq(): number {
    return readIndex(this.bytes, this.geometry, this.nsNext).seq;
  }

  /** nd_label_nfree(): free slots in the staging index, or every slot when there is none. */
  nfree(): number {
    if (this.nsNext < 0 || !this.data) return numLabelSlots(this.geometry);
    return countFree(this.data, this.geometry, this.nsNext);
  }

  /** nd_label_alloc_slot(): take the first free slot of the staging index; -1 when full. */
  allocSlot(): number {
    if (this.nsNext < 0) return -1;
    const g = this.geometry;
    const slot = firstFreeSlot(this.bytes, g, this.nsNext);
    if (slot === readIndex(this.bytes, g, this.nsNext).nslot) return -1;
    markSlot(this.bytes, g, this.nsNext, slot, false);
    return slot;
  }

  /** nd_label_free_slot(): give a slot back to the staging index; whether it was in use. */
  freeSlot(slot: number): boolean {
    if (this.nsNext < 0) return false;
    const g = this.geometry;
    if (slot >= readIndex(this.bytes, g, this.nsNext).nslot) return false;
    const wasUsed = !slotIsFree(this.bytes, g, this.nsNext, slot);
    markSlot(this.bytes, g, this.nsNext, slot, true);
    return wasUsed;
  }

  /**
   * nd_label_write_index(): write index block `index` with `seq`. After a
   * staging write (not `init`) the written block becomes current and the
   * old current, overwritten with a copy of it, the next staging block.
   */
  writeIndex(index: number, seq: number, init: boolean): number {
    const g = this.geometry;
    const block = buildIndexBlock(this.bytes, g, index, seq, init);
    const rc = setConfigData(this, index * sizeofNamespaceIndex(g), Buffer.from(block));
    if (rc < 0) return rc;
    if (init) return 0;
    copyIndex(this.bytes, g, this.nsCurrent, index);
    this.nsCurrent = nextIndex(this.nsCurrent);
    this.nsNext = nextIndex(this.nsNext);
    return 0;
  }

  /** nd_label_offset() + nvdimm_set_config_data() of one slot. */
  writeLabel(slot: number): number {
    return setConfigData(this, labelOffset(this.geometry, slot), Buffer.from(this.label(slot)));
  }
}
