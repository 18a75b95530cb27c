// Walk the mounted tree and compare it, path by path, with what a real
// Linux 6.1 kernel showed (test/fixtures/*/tree-01-initial.jsonl): names,
// types, modes, owners, link targets, sizes, contents and read errnos.
// Physical addresses (resource files) and char majors do not count.
import { lstat, readdir, readlink, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr } from './fsio.js';

interface Entry {
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

async function captured(topology: string, roots: string[]): Promise<Map<string, Entry>> {
  const text = await readFile(join(REPO, 'test/fixtures', topology, 'tree-01-initial.jsonl'), 'utf8');
  const out = new Map<string, Entry>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as Entry;
    if (roots.some((r) => e.path === r || e.path.startsWith(`${r}/`))) out.set(e.path, e);
  }
  return out;
}

/** Our tree, walked the way the capture was: lstat, readlink, readdir, one read. */
async function walk(mnt: string, root: string, out: Map<string, Entry>): Promise<void> {
  const st = await lstat(join(mnt, root));
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  const base = { path: root, mode, uid: st.uid, gid: st.gid };
  if (st.isSymbolicLink()) {
    out.set(root, { ...base, type: 'link', target: await readlink(join(mnt, root)) });
  } else if (st.isDirectory()) {
    out.set(root, { ...base, type: 'dir' });
    for (const name of (await readdir(join(mnt, root))).sort()) await walk(mnt, `${root}/${name}`, out);
  } else {
    const r = await readAttr(join(mnt, root));
    out.set(root, r.ok ? { ...base, type: 'file', size: st.size, content: r.value } : { ...base, type: 'file', size: st.size, op: r.op, errno: r.errno });
  }
}

/** The comparable fields of an entry, with machine-specific values masked. */
function normalise(e: Entry, majors: Map<string, string>): Record<string, unknown> {
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

const CASES = [
  { topology: 'nfit_test', roots: ['/sys/bus/nd', '/sys/class/nd', '/sys/devices/platform/nfit_test.0', '/sys/devices/platform/nfit_test.1'] },
  { topology: 'qemu-nfit', roots: ['/sys/bus/nd', '/sys/class/nd', '/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00'] },
];

for (const { topology, roots } of CASES) {
  describe(`${topology} matches the real kernel's tree`, () => {
    let daemon: Daemon;
    let ours: Map<string, Entry>;
    let theirs: Map<string, Entry>;

    beforeAll(async () => {
      daemon = await startDaemon(topology, 'virtual');
      ours = new Map();
      for (const r of roots) await walk(daemon.mnt, r, ours);
      theirs = await captured(topology, roots);
    });
    afterAll(async () => {
      await daemon?.stop();
    });

    it('has exactly the captured paths', () => {
      const missing = [...theirs.keys()].filter((p) => !ours.has(p));
      const extra = [...ours.keys()].filter((p) => !theirs.has(p));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it('agrees on every path: type, mode, owner, link target, size, content or errno', () => {
      // Char majors are dynamic in the kernel: compare ours as theirs would read.
      const majors = new Map<string, string>();
      const diffs: string[] = [];
      for (const [path, want] of theirs) {
        const got = ours.get(path);
        if (!got) continue;
        const a = JSON.stringify(normalise(got, majors));
        const b = JSON.stringify(normalise(want, majors));
        if (a !== b) diffs.push(`${path}\n  ours:   ${a}\n  kernel: ${b}`);
      }
      expect(diffs).toEqual([]);
    });
  });
}
