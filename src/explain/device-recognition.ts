// Which device a sysfs directory is: recognised by its name, its subsystem
// link, its parent, or its path, and described from DEVICE_DOCS.
import { posix } from 'node:path';
import type { SysfsVfs } from '../sysfs/vfs.js';
import { DEVICE_DOCS, type DeviceKind } from './attribute-docs.js';
import type { DeviceInfo } from './explanation-types.js';
import { linkTarget } from './sys-path.js';

/**
 * How a device directory is recognised: by its name, where its subsystem
 * link points (null: it has none but has a uevent file), its parent's
 * name, or for the driver-core directories by their path.
 */
interface KindRule {
  readonly kind: DeviceKind;
  readonly name?: RegExp;
  readonly subsystem?: string | null;
  readonly parent?: RegExp;
  readonly path?: RegExp;
}

const KIND_RULES: readonly KindRule[] = [
  { kind: 'bus', subsystem: 'bus/nd', name: /^ndbus\d+$/ },
  { kind: 'dimm', subsystem: 'bus/nd', name: /^nmem\d+$/ },
  { kind: 'region', subsystem: 'bus/nd', name: /^region\d+$/ },
  { kind: 'namespace', subsystem: 'bus/nd', name: /^namespace\d+\.\d+$/ },
  { kind: 'btt', subsystem: 'bus/nd', name: /^btt\d+\.\d+$/ },
  { kind: 'pfn', subsystem: 'bus/nd', name: /^pfn\d+\.\d+$/ },
  { kind: 'nd_dax', subsystem: 'bus/nd', name: /^dax\d+\.\d+$/ },
  { kind: 'dax', subsystem: 'bus/dax', name: /^dax\d+\.\d+$/ },
  { kind: 'ndctl', subsystem: 'class/nd', name: /^ndctl\d+$/ },
  { kind: 'pmem_disk', subsystem: 'class/block', name: /^pmem/ },
  { kind: 'nfit_test_dimm', subsystem: 'class/nfit_test_dimm', name: /^test_dimm\d+$/ },
  { kind: 'platform', subsystem: 'bus/platform', name: /./ },
  { kind: 'acpi_nfit', subsystem: 'bus/acpi', name: /^ACPI0012:/ },
  { kind: 'acpi_nvdimm', subsystem: 'bus/acpi', name: /./ },
  { kind: 'dax_mapping', subsystem: null, name: /^mapping\d+$/, parent: /^dax\d+\.\d+$/ },
  { kind: 'bus_type', path: /^\/sys\/bus\/[^/]+$/ },
  { kind: 'driver', path: /^\/sys\/bus\/[^/]+\/drivers\/[^/]+$/ },
  { kind: 'module', path: /^\/sys\/module\/[^/]+$/ },
];

function ruleMatches(rule: KindRule, dir: string, entries: readonly string[], subsystem: string | null): boolean {
  if (rule.path) return rule.path.test(dir);
  if (rule.name && !rule.name.test(posix.basename(dir))) return false;
  if (rule.parent && !rule.parent.test(posix.basename(posix.dirname(dir)))) return false;
  if (rule.subsystem === null) return subsystem === null && entries.includes('uevent');
  return rule.subsystem === subsystem;
}

/** The device `dir` is, or null for a plain directory (an attribute group, /sys/class/nd, …). */
export function deviceAt(vfs: SysfsVfs, dir: string): DeviceInfo | null {
  const entries = vfs.readdir(dir);
  const sub = entries.includes('subsystem') ? linkTarget(vfs, dir, 'subsystem') : null;
  const subsystem = sub === null ? null : sub.replace(/^\/sys\//, '');
  const rule = KIND_RULES.find((r) => ruleMatches(r, dir, entries, subsystem));
  if (!rule) return null;
  const driver = entries.includes('driver') ? linkTarget(vfs, dir, 'driver') : null;
  const doc = DEVICE_DOCS[rule.kind];
  return { path: dir, name: posix.basename(dir), kind: rule.kind, title: doc.title, about: doc.about, driver: driver === null ? null : posix.basename(driver), subsystem };
}

/** The nearest device directory at or above `dir`. */
export function owningDevice(vfs: SysfsVfs, dir: string): DeviceInfo | null {
  for (let d = dir; ; d = posix.dirname(d)) {
    const dev = deviceAt(vfs, d);
    if (dev) return dev;
    if (d === '/') return null;
  }
}
