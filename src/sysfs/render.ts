// `ndsim render`: the fake root at one instant, written out as an ordinary
// directory tree (the benchmark's static baseline, and a way to diff two
// states with plain tools). Directories, files with what show() returned,
// symlinks as kernfs spells them, modes as the tree gives them. A file
// whose read fails (no show(), or show() returns an errno) is written empty
// with its mode: a static tree has no way to fail a read. Device nodes need
// mknod(2), which Node lacks and only root may do: they are listed for the
// caller to create.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT, type SysfsVfs } from './vfs.js';

export interface RenderedDevice {
  /** Path below the rendered root, e.g. dev/nmem0. */
  path: string;
  kind: 'c' | 'b';
  major: number;
  minor: number;
  mode: number;
}

export interface RenderResult {
  dirs: number;
  files: number;
  links: number;
  /** Files written empty because their read failed (errno name per path). */
  unreadable: number;
  devices: RenderedDevice[];
}

/** The kernel's new_decode_dev(), the inverse of vfs.ts encodeDev(). */
function decodeDev(rdev: number): { major: number; minor: number } {
  return { major: (rdev & 0xfff00) >>> 8, minor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00) };
}

/** Write the subtree `from` of `vfs` (e.g. "/" or "/sys") below `dir`. */
export function render(vfs: SysfsVfs, from: string, dir: string): RenderResult {
  const result: RenderResult = { dirs: 0, files: 0, links: 0, unreadable: 0, devices: [] };
  const umask = process.umask();
  // Directory modes are applied after their contents are written: a 0555
  // directory could not be filled otherwise.
  const dirModes: Array<[string, number]> = [];
  const walk = (path: string, rel: string) => {
    const st = vfs.getattr(path);
    const at = join(dir, rel);
    switch (st.mode & S_IFMT) {
      case S_IFDIR:
        mkdirSync(at, { recursive: true });
        result.dirs += 1;
        for (const name of vfs.readdir(path)) walk(path === '/' ? `/${name}` : `${path}/${name}`, join(rel, name));
        dirModes.push([at, st.mode & 0o7777]);
        return;
      case S_IFLNK:
        symlinkSync(vfs.readlink(path), at);
        result.links += 1;
        return;
      case S_IFCHR:
      case S_IFBLK:
        result.devices.push({ path: rel, kind: (st.mode & S_IFMT) === S_IFCHR ? 'c' : 'b', ...decodeDev(st.rdev), mode: st.mode & 0o7777 });
        return;
      default: {
        const r = vfs.cat(path);
        if (!r.ok) result.unreadable += 1;
        const mode = st.mode & 0o7777;
        writeFileSync(at, r.ok ? r.bytes : '', { mode });
        // Only where the process umask narrowed the mode (a chmod per file
        // would double the cost of rendering 1024 DIMMs).
        if ((mode & ~umask) !== mode) chmodSync(at, mode);
        result.files += 1;
      }
    }
  };
  walk(from, '.');
  for (const [at, mode] of dirModes) chmodSync(at, mode);
  return result;
}
