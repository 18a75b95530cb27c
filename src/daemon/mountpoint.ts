// Before mounting: is something already mounted on the mountpoint? A stale
// FUSE mount (its daemon died and the auto-unmount helper with it, so
// every access answers ENOTCONN) is lazily unmounted with a message; a live
// mount, ndsim's or anyone's, is refused: mounting over it would hide
// another daemon's tree from its users without stopping that daemon.
//
// This runs before this process serves anything, so touching the other
// mount is safe; the probe is asynchronous and bounded in time all the
// same, because the other daemon may be alive but stopped.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

const PROBE_TIMEOUT_MS = 2000;
const FUSERMOUNT_TIMEOUT_MS = 10_000;
/** include/uapi/asm-generic/errno.h: what FUSE answers once its daemon is gone (fuse_request_send → -ENOTCONN). */
const ENOTCONN = 'ENOTCONN';

export interface MountEntry {
  readonly source: string;
  readonly mountpoint: string;
  readonly fstype: string;
}

/** /proc/mounts escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c, mangle()). */
function unmangle(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [source = '', mountpoint = '', fstype = ''] = l.split(' ');
      return { source: unmangle(source), mountpoint: unmangle(mountpoint), fstype };
    });
}

/**
 * The mountpoint as /proc/mounts spells it: the parent resolved (symlinks
 * and all), the last component as given. Resolving the mountpoint itself
 * would stat it, which a stale mount answers with ENOTCONN.
 */
export function canonicalMountpoint(mountpoint: string): string {
  const abs = resolve(mountpoint);
  let parent = dirname(abs);
  try {
    parent = realpathSync(parent);
  } catch {
    // A parent that does not exist yet: fuse-native creates it (mkdir: true).
  }
  return resolve(parent, basename(abs));
}

type Probe = 'stale' | 'live' | 'unresponsive';

async function probe(mountpoint: string): Promise<Probe> {
  const answered = stat(mountpoint).then(
    (): Probe => 'live',
    (e: unknown): Probe => ((e as NodeJS.ErrnoException).code === ENOTCONN ? 'stale' : 'live'),
  );
  const timeout = new Promise<Probe>((res) => setTimeout(() => res('unresponsive'), PROBE_TIMEOUT_MS).unref());
  return Promise.race([answered, timeout]);
}

function fusermount(args: string[]): Promise<string | undefined> {
  return new Promise((res) =>
    execFile('fusermount', args, { timeout: FUSERMOUNT_TIMEOUT_MS }, (err, _out, stderr) => res(err ? stderr.trim() || err.message : undefined)),
  );
}

/**
 * Make `mountpoint` ready to mount on, or throw a one-line reason.
 * `say` gets the message about a stale mount being cleared.
 */
export async function prepareMountpoint(mountpoint: string, say: (line: string) => void): Promise<void> {
  const mnt = canonicalMountpoint(mountpoint);
  const mounted = parseMounts(await readFile('/proc/mounts', 'utf8')).filter((m) => m.mountpoint === mnt);
  const top = mounted.at(-1);
  if (!top) return;
  const what = top.source.startsWith('ndsim-') ? `a live ndsim mount (${top.source})` : `a live ${top.fstype} mount (${top.source})`;
  const state = top.fstype.startsWith('fuse') ? await probe(mnt) : 'live';
  if (state === 'live') throw new Error(`${mnt} is already ${what}; stop its daemon or run fusermount -u ${mnt} first, or choose another mountpoint`);
  if (state === 'unresponsive') throw new Error(`${mnt} is ${what} whose daemon does not answer; run fusermount -uz ${mnt} if it is stuck`);
  say(`ndsim: ${mnt}: stale FUSE mount (${top.source}, its daemon is gone); unmounting it first`);
  const failed = await fusermount(['-uz', mnt]);
  if (failed !== undefined) throw new Error(`cannot clear the stale mount at ${mnt}: ${failed.replace(/\s*\n\s*/g, ' ')}`);
}
