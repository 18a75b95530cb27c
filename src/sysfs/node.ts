// The fake root's node tree, memfs-style: directories, attribute files,
// symlinks and device nodes. Paths resolve in one place (lookup).
import { posix } from 'node:path';
import { KernelError } from '../kernel/errno.js';

export interface DevNumbers {
  readonly major: number;
  readonly minor: number;
}

export interface DirNode {
  readonly kind: 'dir';
  readonly mode: number;
  readonly entries: Map<string, Node>;
}

/** A sysfs attribute: show runs afresh on every read from offset 0. */
export interface AttrNode {
  readonly kind: 'attr';
  readonly mode: number;
  readonly show?: () => string;
  /** Receives the raw bytes of one write(); returns the count to report. */
  readonly store?: (bytes: Buffer) => number;
}

export interface LinkNode {
  readonly kind: 'link';
  readonly target: string;
}

export interface DeviceNode {
  readonly kind: 'chr' | 'blk';
  readonly mode: number;
  readonly devt: DevNumbers;
}

export type Node = DirNode | AttrNode | LinkNode | DeviceNode;

export function dir(mode = 0o755): DirNode {
  return { kind: 'dir', mode, entries: new Map() };
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

/** The directory at `path`, created (with parents) when missing. */
export function mkdirp(root: DirNode, path: string): DirNode {
  let cur = root;
  for (const name of split(path)) {
    let next = cur.entries.get(name);
    if (!next) {
      next = dir();
      cur.entries.set(name, next);
    }
    if (next.kind !== 'dir') throw new Error(`${path}: ${name} is not a directory`);
    cur = next;
  }
  return cur;
}

export function put(root: DirNode, path: string, node: Node): void {
  const parent = mkdirp(root, posix.dirname(path));
  parent.entries.set(posix.basename(path), node);
}

/**
 * A symlink at `at` reaching `to` (both absolute in the fake root), spelled
 * as kernfs_get_target_path() spells it: up to the deepest common ancestor
 * of the link's directory and the target's *parent*, then down. So a link
 * to an ancestor reads "../../../ndbus0", not "../..".
 */
export function relLink(root: DirNode, at: string, to: string): void {
  const from = split(posix.dirname(at));
  const target = split(to);
  const targetParent = target.slice(0, -1);
  let common = 0;
  while (common < from.length && common < targetParent.length && from[common] === targetParent[common]) common += 1;
  const up = Array.from({ length: from.length - common }, () => '..');
  put(root, at, { kind: 'link', target: [...up, ...target.slice(common)].join('/') });
}

/**
 * Walk `path`. The kernel's VFS follows symlinks itself before it asks
 * FUSE, so a link can only be the last component here.
 */
export function lookup(root: DirNode, path: string): Node {
  let cur: Node = root;
  for (const name of split(path)) {
    if (cur.kind !== 'dir') throw new KernelError('ENOTDIR');
    const next: Node | undefined = cur.entries.get(name);
    if (!next) throw new KernelError('ENOENT');
    cur = next;
  }
  return cur;
}
