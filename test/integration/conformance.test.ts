// Walk the mounted tree and compare it, path by path, with what a real
// Linux 6.1 kernel showed (test/fixtures/*/tree-01-initial.jsonl): names,
// types, modes, owners, link targets, sizes, contents and read errnos.
// Physical addresses (resource files) and char majors do not count.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTrees, loadCapture, type Entry } from '../support/tree-capture.js';
import { startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr } from './fsio.js';

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
      theirs = loadCapture(topology, 'tree-01-initial.jsonl', roots);
    });
    afterAll(async () => {
      await daemon?.stop();
    });

    it('has exactly the captured paths', () => {
      const { missing, extra } = compareTrees(ours, theirs);
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it('agrees on every path: type, mode, owner, link target, size, content or errno', () => {
      expect(compareTrees(ours, theirs).diffs).toEqual([]);
    });
  });
}
