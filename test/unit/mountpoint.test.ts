// How the daemon reads /proc/mounts before mounting (src/daemon/mountpoint.ts):
// the kernel's octal escapes (fs/proc_namespace.c show_vfsmnt → mangle()),
// and the mountpoint spelled the way /proc/mounts spells it.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalMountpoint, parseMounts } from '../../src/daemon/mountpoint.js';

describe('parseMounts', () => {
  it('undoes the escapes of space, tab, newline and backslash', () => {
    const text = 'ndsim-nfit_test /tmp/a\\040b\\011c\\012d\\134e fuse.ndsim rw,nosuid 0 0\nproc /proc proc rw 0 0\n';
    expect(parseMounts(text)).toEqual([
      { source: 'ndsim-nfit_test', mountpoint: '/tmp/a b\tc\nd\\e', fstype: 'fuse.ndsim' },
      { source: 'proc', mountpoint: '/proc', fstype: 'proc' },
    ]);
  });
});

describe('canonicalMountpoint', () => {
  it('resolves the parent (symlinks, relative paths) but not the mountpoint itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ndsim-mntpath-'));
    try {
      await symlink(dir, join(dir, 'link'));
      expect(canonicalMountpoint(join(dir, 'link', 'm'))).toBe(join(dir, 'm'));
      expect(canonicalMountpoint(join(dir, 'link', 'x', '..', 'm'))).toBe(join(dir, 'm'));
      // A missing parent stays as given (fuse-native creates it).
      expect(canonicalMountpoint(join(dir, 'missing', 'm'))).toBe(join(dir, 'missing', 'm'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
