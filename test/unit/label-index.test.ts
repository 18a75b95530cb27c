// Namespace index validation (drivers/nvdimm/label.c __nd_label_validate,
// nd_label_validate, best_seq) over label areas written the way
// `ndctl init-labels` writes them, and the kernel's own index writer.
import { describe, expect, it } from 'vitest';
import { buildIndexBlock, checkIndexBlock, bestSeq, countFree, incSeq, labelValidate, readIndex, validateIndex } from '../../src/nvdimm/label-index.js';
import { numLabelSlots, sizeofNamespaceIndex } from '../../src/nvdimm/label-geometry.js';
import { initLabelsImage, writeLabelIndex, type IndexFields } from '../support/ndctl-labels.js';

const AREA = 128 * 1024;
const V11 = { configSize: AREA, labelSize: 128 };
const V12 = { configSize: AREA, labelSize: 256 };

/** A fresh nfit_test area ("label0" at offset 0) with ndctl's index blocks applied. */
function initialised(version: '1.1' | '1.2' = '1.1'): Buffer {
  const area = Buffer.alloc(AREA);
  area.write('label0', 'latin1');
  for (const { offset, bytes } of initLabelsImage(area, version)) bytes.copy(area, offset);
  return area;
}

/** Rewrite block `i` with fields of our choosing (checksum recomputed, as a well-meaning but wrong writer would). */
function rewrite(area: Buffer, i: number, f: IndexFields): Buffer {
  writeLabelIndex(area, i, f);
  return area;
}

describe('label geometry (128 KiB, the nfit_test and QEMU size)', () => {
  it('fits 1020 128-byte or 510 256-byte slots behind two 256-byte index blocks', () => {
    expect(numLabelSlots(V11)).toBe(1020);
    expect(numLabelSlots(V12)).toBe(510);
    expect(sizeofNamespaceIndex(V11)).toBe(256);
    expect(sizeofNamespaceIndex(V12)).toBe(256);
  });

  it('has no room for indexes in an area smaller than two index blocks and two labels', () => {
    expect(sizeofNamespaceIndex({ configSize: 600, labelSize: 128 })).toBe(0);
    expect(sizeofNamespaceIndex({ configSize: 768, labelSize: 128 })).toBe(256);
  });
});

describe('sequence numbers', () => {
  it('cycle 1 → 2 → 3 → 1 and never reach 0', () => {
    expect([0, 1, 2, 3].map(incSeq)).toEqual([0, 2, 3, 1]);
  });

  it('best_seq picks the later of two, 1 coming after 3, and ignores an invalid 0', () => {
    expect(bestSeq(3, 2)).toBe(3);
    expect(bestSeq(2, 3)).toBe(3);
    expect(bestSeq(1, 2)).toBe(2);
    expect(bestSeq(3, 1)).toBe(1);
    expect(bestSeq(1, 3)).toBe(1);
    expect(bestSeq(0, 2)).toBe(2);
    expect(bestSeq(2, 0)).toBe(2);
    expect(bestSeq(2, 2)).toBe(2);
    // Only the low two bits count.
    expect(bestSeq(7, 2)).toBe(3);
  });
});

describe('nd_label_validate', () => {
  it('finds nothing in a fresh nfit_test area and leaves the 256-byte label size in effect', () => {
    const area = Buffer.alloc(AREA);
    area.write('label0', 'latin1');
    expect(labelValidate(area, AREA)).toEqual({ current: -1, labelSize: 256 });
  });

  it('takes what ndctl init-labels writes (v1.1): block 0 (seq 3) is current over block 1 (seq 2)', () => {
    const area = initialised();
    expect(checkIndexBlock(area, V11, 0)).toBeNull();
    expect(checkIndexBlock(area, V11, 1)).toBeNull();
    expect(labelValidate(area, AREA)).toEqual({ current: 0, labelSize: 128 });
    expect(readIndex(area, V11, 0)).toMatchObject({ seq: 3, nslot: 1020, major: 1, minor: 1, labelsize: 0 });
    // ndctl sets all 1024 bits of the bitmap; only the first nslot count.
    expect(countFree(area, V11, 0)).toBe(1020);
  });

  it('sizes labels from the v1.2 labelsize field: 1 means 256 bytes', () => {
    const area = initialised('1.2');
    expect(labelValidate(area, AREA)).toEqual({ current: 0, labelSize: 256 });
    expect(readIndex(area, V12, 0)).toMatchObject({ nslot: 510, major: 1, minor: 2, labelsize: 1 });
  });

  it('takes 128-byte labels from a v1.2 index whose labelsize field is 0', () => {
    const area = initialised();
    for (const i of [0, 1]) rewrite(area, i, { seq: 3 - i, labelSize: 128, minor: 2, labelsizeField: 0 });
    expect(labelValidate(area, AREA)).toEqual({ current: 0, labelSize: 128 });
  });

  it('refuses a v1.2 labelsize beyond 1, and a v1.1 index probed as 256-byte labels', () => {
    const area = initialised();
    rewrite(area, 0, { seq: 3, labelSize: 256, minor: 2, labelsizeField: 2 });
    expect(checkIndexBlock(area, V11, 0)).toBe('labelsize');
    expect(checkIndexBlock(area, V12, 0)).toBe('labelsize');
    expect(checkIndexBlock(initialised(), V12, 0)).toBe('labelsize');
  });

  it('ignores v1.1 labelsize bits: v1.1 labels are always 128 bytes', () => {
    const area = initialised();
    rewrite(area, 0, { seq: 3, labelSize: 128, labelsizeField: 1 });
    expect(checkIndexBlock(area, V11, 0)).toBeNull();
  });

  it('refuses a block whose checksum does not match, and falls back to the other one', () => {
    const area = initialised();
    // Flip a byte of block 0's free bitmap without fixing the checksum.
    area.writeUInt8(area.readUInt8(72 + 100) ^ 0x01, 72 + 100);
    expect(checkIndexBlock(area, V11, 0)).toBe('checksum');
    expect(validateIndex(area, V11)).toBe(1);
    expect(labelValidate(area, AREA)).toEqual({ current: 1, labelSize: 128 });
  });

  it('refuses a bad signature', () => {
    const area = initialised();
    area.write('NAMESPACE_INDEY', 0, 'latin1');
    expect(checkIndexBlock(area, V11, 0)).toBe('signature');
    expect(validateIndex(area, V11)).toBe(1);
  });

  it('finds nothing when neither block is valid', () => {
    const area = initialised();
    area.write('X', 0, 'latin1');
    area.write('X', 256, 'latin1');
    expect(labelValidate(area, AREA)).toEqual({ current: -1, labelSize: 256 });
  });

  it('refuses sequence number 0 and every misplaced or oversized field, in the kernel order', () => {
    const cases: Array<[IndexFields, string]> = [
      [{ seq: 0, labelSize: 128 }, 'seq'],
      [{ seq: 4, labelSize: 128 }, 'seq'],
      [{ seq: 3, labelSize: 128, myoff: 256n }, 'myoff'],
      [{ seq: 3, labelSize: 128, otheroff: 0n }, 'otheroff'],
      [{ seq: 3, labelSize: 128, labeloff: 256n }, 'labeloff'],
      [{ seq: 3, labelSize: 128, mysize: 257n }, 'mysize'],
      [{ seq: 3, labelSize: 128, mysize: 71n }, 'mysize'],
      [{ seq: 3, labelSize: 128, nslot: 1021 }, 'nslot'],
      // A smaller nslot is fine: the block just uses fewer slots.
      [{ seq: 3, labelSize: 128, nslot: 10 }, 'ok'],
    ];
    for (const [fields, defect] of cases) {
      const area = rewrite(initialised(), 0, fields);
      expect(checkIndexBlock(area, V11, 0) ?? 'ok', JSON.stringify(fields, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))).toBe(defect);
    }
  });

  it('with both blocks valid, picks by sequence number whichever block holds it', () => {
    const pairs: Array<[number, number, number]> = [
      [3, 2, 0],
      [2, 3, 1],
      [1, 3, 0],
      [3, 1, 1],
      [1, 2, 1],
      [2, 2, 1],
    ];
    for (const [s0, s1, current] of pairs) {
      const area = initialised();
      rewrite(area, 0, { seq: s0, labelSize: 128 });
      rewrite(area, 1, { seq: s1, labelSize: 128 });
      expect(validateIndex(area, V11), `${s0}/${s1}`).toBe(current);
    }
  });
});

describe('nd_label_write_index', () => {
  it('writes blocks the validator takes, with the free bitmap padding cleared (unlike ndctl)', () => {
    const area = Buffer.alloc(AREA);
    buildIndexBlock(area, V11, 0, 3, true);
    buildIndexBlock(area, V11, 1, 2, true);
    expect(labelValidate(area, AREA)).toEqual({ current: 0, labelSize: 128 });
    const ndctl = initialised();
    // Same header; the bitmap differs only in bits 1020..1023.
    expect(area.subarray(0, 64)).toEqual(ndctl.subarray(0, 64));
    expect(area[72 + 127]).toBe(0x0f);
    expect(ndctl[72 + 127]).toBe(0xff);
  });
});
