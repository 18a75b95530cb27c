// File semantics of the fake root, as kernfs gives them to sysfs files:
// open checks the attribute's show/store (EACCES even for root), a read
// from offset 0 runs show() afresh (later offsets read the same snapshot,
// like seq_file), each write() runs store() and returns its count or errno.
import { errnoName, KernelError } from '../kernel/errno.js';
import { O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY } from '../kernel/open-flags.js';
import type { Tracer } from '../trace/tracer.js';
import { kernfsOrder } from './kernfs-order.js';
import { lookup, type AttrNode, type DirNode, type Node } from './node.js';

export interface FileStat {
  mode: number;
  size: number;
  nlink: number;
  rdev: number;
}

/** st_mode file-type bits (include/uapi/linux/stat.h). */
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** Every sysfs attribute stats as a 4096-byte regular file. */
const ATTR_SIZE = 4096;

/** The kernel's new_encode_dev(), as FUSE carries rdev in 32 bits. */
export function encodeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

interface OpenFile {
  node: AttrNode;
  path: string;
  snapshot: Buffer | undefined;
}

export interface TreeSource {
  /** The current tree; rebuilt by the source when the model's shape changed. */
  tree(): DirNode;
}

export class SysfsVfs {
  private readonly open_ = new Map<number, OpenFile>();
  private nextHandle = 1;

  constructor(
    private readonly source: TreeSource,
    private readonly tracer?: Tracer,
  ) {}

  /** Resolved paths of the current tree (kept until the model's shape changes). */
  private resolved = new Map<string, Node>();
  private resolvedIn: DirNode | undefined;
  private readonly ordered = new WeakMap<DirNode, readonly string[]>();

  private node(path: string): Node {
    const root = this.source.tree();
    if (root !== this.resolvedIn) {
      this.resolved = new Map();
      this.resolvedIn = root;
    }
    let n = this.resolved.get(path);
    if (n === undefined) {
      n = lookup(root, path);
      this.resolved.set(path, n);
    }
    return n;
  }

  getattr(path: string): FileStat {
    const n = this.node(path);
    switch (n.kind) {
      case 'dir':
        return { mode: S_IFDIR | n.mode, size: 0, nlink: 2, rdev: 0 };
      case 'attr':
        return { mode: S_IFREG | n.mode, size: ATTR_SIZE, nlink: 1, rdev: 0 };
      case 'link':
        return { mode: S_IFLNK | 0o777, size: Buffer.byteLength(n.target), nlink: 1, rdev: 0 };
      case 'chr':
      case 'blk':
        return { mode: (n.kind === 'chr' ? S_IFCHR : S_IFBLK) | n.mode, size: 0, nlink: 1, rdev: encodeDev(n.devt.major, n.devt.minor) };
    }
  }

  readdir(path: string): string[] {
    const n = this.node(path);
    if (n.kind !== 'dir') throw new KernelError('ENOTDIR');
    // A built tree never changes (the model's changes build a new one), so
    // each directory's order is worked out once.
    let order = this.ordered.get(n);
    if (!order) {
      order = kernfsOrder(n.entries.keys());
      this.ordered.set(n, order);
    }
    return [...order];
  }

  readlink(path: string): string {
    const n = this.node(path);
    if (n.kind !== 'link') throw new KernelError('EINVAL');
    return n.target;
  }

  /**
   * kernfs_fop_open()'s check: no show → no reading, no store → no writing,
   * for root too. The attribute, or what its node lacks for that access.
   */
  private openable(path: string, flags: number): { node: AttrNode } | { missing: 'show' | 'store'; access: string } {
    const n = this.node(path);
    if (n.kind === 'dir') throw new KernelError('EISDIR');
    if (n.kind !== 'attr') throw new KernelError('ENXIO');
    const acc = flags & O_ACCMODE;
    const reads = acc !== O_WRONLY;
    const writes = acc === O_WRONLY || acc === O_RDWR;
    if (reads && !n.show) return { missing: 'show', access: writes ? 'read/write' : 'read' };
    if (writes && !n.store) return { missing: 'store', access: reads ? 'read/write' : 'write' };
    return { node: n };
  }

  /** Whether open(path, flags) would succeed; nothing is opened or traced (for `ndsim explain`). */
  permits(path: string, flags: number): boolean {
    return 'node' in this.openable(path, flags);
  }

  open(path: string, flags: number): number {
    const o = this.openable(path, flags);
    if (!('node' in o)) {
      this.tracer?.emit('sysfs', `open ${path} for ${o.access}: -EACCES (the attribute has no ${o.missing})`, { op: 'open', path, ok: false, errno: 'EACCES' });
      throw new KernelError('EACCES');
    }
    const handle = this.nextHandle++;
    this.open_.set(handle, { node: o.node, path, snapshot: undefined });
    return handle;
  }

  private file(handle: number): OpenFile {
    const f = this.open_.get(handle);
    if (!f) throw new KernelError('EBADF');
    return f;
  }

  read(handle: number, length: number, position: number): Buffer {
    const f = this.file(handle);
    if (!f.node.show) throw new KernelError('EACCES');
    if (position === 0 || !f.snapshot) {
      const show = f.node.show;
      f.snapshot = this.traced(f, 'read', '', () => Buffer.from(show(), 'latin1'), (b) => quote(b));
    }
    return f.snapshot.subarray(position, position + length);
  }

  write(handle: number, data: Buffer): number {
    const f = this.file(handle);
    if (!f.node.store) throw new KernelError('EACCES');
    // A zero-length write never reaches store() (kernfs_fop_write_iter).
    if (data.length === 0) return 0;
    const store = f.node.store;
    return this.traced(f, 'write', `${quote(data)} `, () => store(data), (n) => `= ${n}`);
  }

  /**
   * Run a show or store, tracing its outcome (the errno when it throws);
   * `input` (the bytes of a write) is shown either way.
   */
  private traced<T>(f: OpenFile, op: 'read' | 'write', input: string, run: () => T, describe: (r: T) => string): T {
    if (!this.tracer?.wants('sysfs')) return run();
    try {
      const r = run();
      this.tracer.emit('sysfs', `${op} ${f.path}: ${input}${describe(r)}`, { op, path: f.path, ok: true });
      return r;
    } catch (e) {
      const name = e instanceof KernelError ? (errnoName(e.errno) ?? String(e.errno)) : 'EIO';
      this.tracer.emit('sysfs', `${op} ${f.path}: ${input}-${name}`, { op, path: f.path, ok: false, errno: name });
      throw e;
    }
  }

  release(handle: number): void {
    this.open_.delete(handle);
  }

  /**
   * open, one read from offset 0 (which runs show()), release: what cat
   * does. The bytes, or the errno and the step that failed.
   */
  cat(path: string): { ok: true; bytes: Buffer } | { ok: false; errno: number; during: 'open' | 'read' } {
    let handle: number;
    try {
      handle = this.open(path, O_RDONLY);
    } catch (e) {
      if (e instanceof KernelError) return { ok: false, errno: e.errno, during: 'open' };
      throw e;
    }
    try {
      // The whole snapshot: later offsets would only read the same one.
      return { ok: true, bytes: this.read(handle, Number.MAX_SAFE_INTEGER, 0) };
    } catch (e) {
      if (e instanceof KernelError) return { ok: false, errno: e.errno, during: 'read' };
      throw e;
    } finally {
      this.release(handle);
    }
  }

  /** O_TRUNC on an attribute is accepted and changes nothing, as on sysfs. */
  truncate(path: string): void {
    const n = this.node(path);
    if (n.kind === 'dir') throw new KernelError('EISDIR');
    if (n.kind !== 'attr' || !n.store) throw new KernelError('EACCES');
  }
}

/** Bytes as a C-style quoted string: "arm\n\0". */
function quote(b: Buffer): string {
  let out = '';
  for (const c of b.subarray(0, 256)) {
    if (c === 0x0a) out += '\\n';
    else if (c === 0) out += '\\0';
    else if (c === 0x22 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return `"${out}${b.length > 256 ? '...' : ''}"`;
}
