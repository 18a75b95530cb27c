// A DIMM's DPA allocations: the children of ndd->dpa, a struct resource
// spanning [0, U64_MAX] (drivers/nvdimm/dimm.c nvdimm_probe). Each child is
// named by the label id it belongs to ("pmem-<uuid>", or "pmem-reserve"
// while free space is being measured) and the children stay sorted by
// start, as kernel/resource.c keeps a sibling list. Arithmetic is u64 with
// wrap-around, like resource_size_t.

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

export interface DpaResource {
  /** The nd_label_id the range is allocated to. */
  name: string;
  start: bigint;
  /** Inclusive, as struct resource's end. */
  end: bigint;
}

/** resource_size() */
export function resourceSize(r: { start: bigint; end: bigint }): bigint {
  return u64(r.end - r.start + 1n);
}

export class DpaSpace {
  private readonly children: DpaResource[] = [];

  /** for_each_dpa_resource(): children in address order. */
  list(): readonly DpaResource[] {
    return this.children;
  }

  /** res->sibling */
  next(res: DpaResource): DpaResource | undefined {
    const i = this.children.indexOf(res);
    return i < 0 ? undefined : this.children[i + 1];
  }

  private prev(res: DpaResource): DpaResource | undefined {
    const i = this.children.indexOf(res);
    return i <= 0 ? undefined : this.children[i - 1];
  }

  /**
   * __request_region(&ndd->dpa, start, n, name): a new busy child, or
   * undefined when the range is empty, leaves the root or overlaps a child.
   */
  request(name: string, start: bigint, n: bigint): DpaResource | undefined {
    const end = u64(start + n - 1n);
    if (end < start) return undefined;
    let at = 0;
    for (const child of this.children) {
      if (child.start > end) break;
      if (child.end >= start) return undefined;
      at += 1;
    }
    const res: DpaResource = { name, start, end };
    this.children.splice(at, 0, res);
    return res;
  }

  /** __release_region() of a child. */
  release(res: DpaResource): void {
    const i = this.children.indexOf(res);
    if (i >= 0) this.children.splice(i, 1);
  }

  /** adjust_resource(): move or resize a child without crossing its neighbours; false where the kernel says -EBUSY. */
  adjust(res: DpaResource, start: bigint, size: bigint): boolean {
    const end = u64(start + size - 1n);
    const next = this.next(res);
    if (next && next.start <= end) return false;
    const prev = this.prev(res);
    if (prev && start <= prev.end) return false;
    res.start = start;
    res.end = end;
    return true;
  }
}
