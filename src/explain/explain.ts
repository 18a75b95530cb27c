// `ndsim explain PATH`: what a sysfs file or directory of the simulation
// is, what it holds now, who may touch it, and what a write would do at
// this moment. Works in-process on the Simulation's vfs and model (never
// through a FUSE mount, whose daemon would be this very process) and never
// writes: opens for writing are only probed and released, the way kernfs
// decides EACCES at open (fs/kernfs/file.c kernfs_fop_open).
//
// The result is plain data (JSON-safe: the control socket sends it as is);
// formatExplanation() renders it for a terminal.
//
// This file is the entry point: it tells the three kinds of path apart and
// assembles their answers; the pieces live beside it (sys-path.ts resolves,
// device-recognition.ts names the device, access.ts and kernfs-open.ts probe
// and read, write-predictions.ts predicts, format.ts renders).
import { posix } from 'node:path';
import type { Simulation } from '../daemon/daemon.js';
import type { FileStat, SysfsVfs } from '../sysfs/vfs.js';
import { attributeAccess, deviceNodeAccess, directoryAccess } from './access.js';
import { findAttributeDoc } from './attribute-docs.js';
import { deviceAt, owningDevice } from './device-recognition.js';
import { ExplainError } from './explain-error.js';
import type { AttributeExplanation, DeviceInfo, DeviceNodeExplanation, DirectoryEntry, DirectoryExplanation, Explanation, LinkStep } from './explanation-types.js';
import { isType, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, symbolic } from './file-mode.js';
import { readValue } from './kernfs-open.js';
import { resolve } from './sys-path.js';
import { predictWrite } from './write-predictions.js';

export type { AttributeDoc, DeviceKind, DsmRef } from './attribute-docs.js';
export type {
  Access,
  AttributeExplanation,
  CurrentValue,
  DeviceInfo,
  DeviceNodeExplanation,
  DirectoryEntry,
  DirectoryExplanation,
  Explanation,
  LinkStep,
  WriteOutcome,
  WritePrediction,
} from './explanation-types.js';
export { ExplainError } from './explain-error.js';
export { formatExplanation } from './format.js';

interface Base {
  readonly path: string;
  readonly canonicalPath: string;
  readonly links: readonly LinkStep[];
}

function explainAttribute(sim: Simulation, base: Base, mode: number): AttributeExplanation {
  const path = base.canonicalPath;
  const device = owningDevice(sim.vfs, posix.dirname(path));
  const attribute = device ? posix.relative(device.path, path) : posix.basename(path);
  const doc = device ? (findAttributeDoc(device.kind, attribute) ?? null) : null;
  const access = attributeAccess(sim.vfs, path, mode);
  // Read first, as a reader would: the prediction then sees the same caches.
  const value = readValue(sim.vfs, path);
  return { ...base, type: 'attribute', device, access, attribute, doc, value, write: predictWrite(sim, access, device, attribute, doc) };
}

/** The entries of a device (its groups included, child devices as one line each), or of a plain directory. */
function listEntries(vfs: SysfsVfs, dir: string, device: DeviceInfo | null, prefix: string, recurse: boolean): DirectoryEntry[] {
  const out: DirectoryEntry[] = [];
  // Sorted like ls, not in kernfs hash order, so groups read together.
  for (const name of [...vfs.readdir(dir)].sort()) {
    const path = `${dir}/${name}`;
    const rel = `${prefix}${name}`;
    const st = vfs.getattr(path);
    if (isType(st, S_IFLNK)) {
      out.push({ name: rel, type: 'link', mode: symbolic('l', 0o777), summary: `-> ${vfs.readlink(path)}` });
    } else if (isType(st, S_IFREG)) {
      const doc = device ? findAttributeDoc(device.kind, posix.relative(device.path, path)) : undefined;
      out.push({ name: rel, type: 'file', mode: symbolic('-', st.mode), summary: doc?.summary ?? '(undocumented)' });
    } else if (isType(st, S_IFDIR)) {
      const child = deviceAt(vfs, path);
      if (child) out.push({ name: `${rel}/`, type: 'device', mode: symbolic('d', st.mode), summary: `${child.title} (${child.kind})` });
      else if (recurse && vfs.readdir(path).length > 0) out.push(...listEntries(vfs, path, device, `${rel}/`, recurse));
      else out.push({ name: `${rel}/`, type: 'dir', mode: symbolic('d', st.mode), summary: vfs.readdir(path).length === 0 ? '(empty)' : 'directory' });
    } else {
      out.push({ name: rel, type: 'node', mode: symbolic(isType(st, S_IFCHR) ? 'c' : 'b', st.mode), summary: 'device node' });
    }
  }
  return out;
}

function explainDirectory(sim: Simulation, base: Base, mode: number): DirectoryExplanation {
  const dir = base.canonicalPath;
  const device = owningDevice(sim.vfs, dir);
  const group = device && device.path !== dir ? posix.relative(device.path, dir) : null;
  const prefix = group ? `${group}/` : '';
  const entries = listEntries(sim.vfs, dir, device, prefix, device !== null);
  return { ...base, type: 'directory', device, access: directoryAccess(mode), group, entries };
}

/** A /dev node: its number, and the sysfs device /sys/dev/{char,block}/MAJ:MIN leads to. */
function explainDeviceNode(sim: Simulation, base: Base, st: FileStat): DeviceNodeExplanation {
  // new_encode_dev() undone.
  const major = (st.rdev >> 8) & 0xfff;
  const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  const nodeType = isType(st, S_IFCHR) ? 'char' : 'block';
  const devnum = `${major}:${minor}`;
  let device: DeviceInfo | null = null;
  try {
    device = deviceAt(sim.vfs, resolve(sim.vfs, `/sys/dev/${nodeType}/${devnum}`).canonical);
  } catch (e) {
    if (!(e instanceof ExplainError)) throw e;
  }
  const access = deviceNodeAccess(st.mode, nodeType);
  return { ...base, type: 'devnode', device, access, nodeType, devnum };
}

/**
 * Explain `path` (absolute, as seen inside the sandbox) in `sim`. Throws
 * ExplainError "no such file: PATH" (ENOENT) for a path that does not exist.
 */
export function explain(sim: Simulation, path: string): Explanation {
  const { canonical, links } = resolve(sim.vfs, path);
  const st = sim.vfs.getattr(canonical);
  const base: Base = { path, canonicalPath: canonical, links };
  if (isType(st, S_IFDIR)) return explainDirectory(sim, base, st.mode);
  if (isType(st, S_IFREG)) return explainAttribute(sim, base, st.mode);
  return explainDeviceNode(sim, base, st);
}
