// Real-kernel tree captures (test/fixtures/*/tree-*.jsonl) and how ndsim's
// tree is compared with them, path by path: names, types, modes, owners,
// link targets, sizes, contents and read errnos. Physical addresses
// (resource files) do not count. Shared by the FUSE conformance test and
// the in-process unit tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Entry {
  path: string;
  type: 'dir' | 'file' | 'link';
  mode: string;
  uid: number;
  gid: number;
  target?: string;
  size?: number;
  content?: string;
  errno?: number;
  op?: string;
}

/** Attributes holding physical addresses, which differ between machines by design. */
const PHYSICAL_ADDRESS = /\/resource$/;

export function underRoots(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(`${r}/`));
}

/** The captured entries under `roots` of test/fixtures/<topology>/<file>. */
export function loadCapture(topology: string, file: string, roots: readonly string[]): Map<string, Entry> {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures', topology, file), 'utf8');
  const out = new Map<string, Entry>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as Entry;
    if (underRoots(e.path, roots)) out.set(e.path, e);
  }
  return out;
}

/** The comparable fields of an entry, with machine-specific values masked. */
export function normalise(e: Entry, majors: ReadonlyMap<string, string> = new Map()): Record<string, unknown> {
  const o: Record<string, unknown> = { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid };
  if (e.target !== undefined) o.target = e.target;
  if (e.size !== undefined) o.size = e.size;
  if (e.errno !== undefined) o.errno = e.errno;
  if (e.content !== undefined) {
    let c = e.content;
    if (PHYSICAL_ADDRESS.test(e.path)) c = '<address>';
    for (const [from, to] of majors) c = c.split(from).join(to);
    o.content = c;
  }
  return o;
}

export interface TreeDiff {
  missing: string[];
  extra: string[];
  /** One line per path whose entry differs: ours, then the kernel's. */
  diffs: string[];
}

/** Every difference between our walk and the capture. */
export function compareTrees(ours: ReadonlyMap<string, Entry>, theirs: ReadonlyMap<string, Entry>, majors: ReadonlyMap<string, string> = new Map()): TreeDiff {
  const missing = [...theirs.keys()].filter((p) => !ours.has(p));
  const extra = [...ours.keys()].filter((p) => !theirs.has(p));
  const diffs: string[] = [];
  for (const [path, want] of theirs) {
    const got = ours.get(path);
    if (!got) continue;
    const a = JSON.stringify(normalise(got, majors));
    const b = JSON.stringify(normalise(want, majors));
    if (a !== b) diffs.push(`${path}\n  ours:   ${a}\n  kernel: ${b}`);
  }
  return { missing, extra, diffs };
}
