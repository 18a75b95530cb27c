// How an attribute table entry becomes a file: the kernfs/sysfs glue
// (fs/sysfs/file.c sysfs_kf_write/sysfs_kf_seq_show).
import { KernelError, type ErrnoName } from '../kernel/errno.js';
import { cString } from '../kernel/parse.js';
import { visibleAttributes, type AttributeGroup } from '../nvdimm/attribute.js';
import { mkdirp, type AttrNode, type DirNode } from './node.js';

/** A store is handed at most one page. */
const PAGE_SIZE = 4096;

/**
 * Wrap a store so it sees what the kernel hands it: at most one page,
 * NUL-terminated (a written NUL ends the string), and the byte count.
 * sysfs attribute files have no atomic_write_len (fs/sysfs/file.c
 * sysfs_file_kfops_*), so fs/kernfs/file.c kernfs_fop_write_iter() cuts a
 * longer write to PAGE_SIZE rather than failing it with E2BIG: store()
 * sees the first page and count 4096, and write(2) returns what store()
 * returned (a short write when it accepts).
 */
export function storeFromBytes(store: (buf: string, count: number) => number): (bytes: Buffer) => number {
  return (bytes) => {
    const page = bytes.subarray(0, PAGE_SIZE);
    return store(cString(page), page.length);
  };
}

export function attrFile<D>(dev: D, mode: number, show?: (dev: D) => string, store?: (dev: D, buf: string, count: number) => number): AttrNode {
  return {
    kind: 'attr',
    mode,
    ...(show ? { show: () => show(dev) } : {}),
    ...(store ? { store: storeFromBytes((buf, count) => store(dev, buf, count)) } : {}),
  };
}

/** Add a device's attribute groups to its directory; named groups always get their directory. */
export function addGroups<D>(devDir: DirNode, dev: D, groups: readonly AttributeGroup<D>[]): void {
  for (const group of groups) {
    const target = group.name ? mkdirp(devDir, group.name) : devDir;
    for (const { attr, mode } of visibleAttributes(group, dev)) {
      target.entries.set(attr.name, attrFile(dev, mode, attr.show, attr.store));
    }
  }
}

/** A file whose show and store both fail with `code`, such as a knob the device does not support. */
export function failingFile(code: ErrnoName, mode = 0o644): AttrNode {
  const fail = (): never => {
    throw new KernelError(code);
  };
  return { kind: 'attr', mode, show: fail, store: fail };
}

/** A file with fixed content and no store. */
export function constFile(content: string, mode = 0o444): AttrNode {
  return { kind: 'attr', mode, show: () => content };
}
