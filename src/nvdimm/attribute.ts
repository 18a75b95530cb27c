// The kernel's attribute tables, in TypeScript: each libnvdimm object lists
// its attributes with a mode, a show and a store, grouped like the kernel's
// attribute_group (optionally named, i.e. a subdirectory, with is_visible).
import { KernelError } from '../kernel/errno.js';

/** DEVICE_ATTR_RO/_RW/_ADMIN_RO/_ADMIN_RW/_WO modes. */
export const MODE = { RO: 0o444, RW: 0o644, ADMIN_RO: 0o400, ADMIN_RW: 0o600, WO: 0o200 } as const;

export interface DeviceAttribute<D> {
  readonly name: string;
  readonly mode: number;
  /** Returns the file's content; throws KernelError for a show() that fails. */
  readonly show?: (dev: D) => string;
  /**
   * Receives the written bytes as the NUL-terminated string the kernel
   * passes to store(), and the byte count; returns the count it consumed
   * (a successful store returns all of it). Throws KernelError on failure.
   */
  readonly store?: (dev: D, buf: string, count: number) => number;
}

export interface AttributeGroup<D> {
  /** A named group is a subdirectory; in 6.1 it exists even when every attribute is hidden. */
  readonly name?: string;
  readonly attrs: readonly DeviceAttribute<D>[];
  /** is_visible(): 0 hides the attribute, any other value is the mode to use. */
  readonly isVisible?: (dev: D, attr: DeviceAttribute<D>) => number;
}

export function ro<D>(name: string, show: (dev: D) => string, mode: number = MODE.RO): DeviceAttribute<D> {
  return { name, mode, show };
}

export function rw<D>(name: string, show: (dev: D) => string, store: (dev: D, buf: string, count: number) => number, mode: number = MODE.RW): DeviceAttribute<D> {
  return { name, mode, show, store };
}

export function wo<D>(name: string, store: (dev: D, buf: string, count: number) => number): DeviceAttribute<D> {
  return { name, mode: MODE.WO, store };
}

/** The attributes of a group that are visible on `dev`, each with its effective mode. */
export function visibleAttributes<D>(group: AttributeGroup<D>, dev: D): Array<{ attr: DeviceAttribute<D>; mode: number }> {
  const out: Array<{ attr: DeviceAttribute<D>; mode: number }> = [];
  for (const attr of group.attrs) {
    const mode = group.isVisible ? group.isVisible(dev, attr) : attr.mode;
    if (mode !== 0) out.push({ attr, mode });
  }
  return out;
}

/** A provider return code as a store's result: 0 → the whole write, negative → that errno. */
export function settle(rc: number, count: number): number {
  if (rc < 0) throw KernelError.fromErrno(-rc);
  return rc === 0 ? count : rc;
}
