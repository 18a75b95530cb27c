// A state directory (ndsim mount --state DIR): what a daemon restart keeps
// of the platform, one file per thing kept, named by the topology's
// identity of it. Layout (docs/persistence.md):
//
//   ndsim-state.json                 format, topology name, topology fingerprint
//   lock                             pid of the daemon using the directory
//   platform.json                    the last activation (nfit_test's last_activate)
//   dimms/<bus>-<handle>.labels      the label area, raw, exactly its size
//   dimms/<bus>-<handle>.fw.json     firmware update and activation state
//   media/<bus>-<region>/<page>.pg   non-zero 4 KiB pages of a region's media
//
// Everything is loaded (and checked) before the platform is built; every
// change is written through with atomicWriteFileSync before the call that
// made it returns. A file that cannot be used stops the start with one
// line naming it: nothing is silently dropped.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { dimmKey, regionKey, type FirmwareSnapshot, type PlatformPersistence, type SavedDimm, type SavedPlatform, type TimelineSnapshot } from '../platform/platform-persistence.js';
import type { Topology } from '../topology/schema.js';
import { atomicRemoveSync, atomicWriteFileSync, fsyncDir, TEMP_MARK } from './atomic-write.js';
import { FirmwareFile, Manifest, PlatformFile, STATE_FORMAT } from './state-schema.js';

const MANIFEST = 'ndsim-state.json';
const PLATFORM = 'platform.json';
const DIMMS = 'dimms';
const MEDIA = 'media';
const LOCK = 'lock';
const PAGE = 4096;
const OURS = new Set([MANIFEST, PLATFORM, DIMMS, MEDIA, LOCK]);
const RESET_HINT = 'repair or remove it, or start with --reset-state to begin afresh';

/** A state directory that cannot be used: the message is one line naming the file. */
export class StateDirError extends Error {}

/** sha256 of the validated topology: the same platform gives the same fingerprint. */
export function topologyFingerprint(spec: Topology): string {
  const json = JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return createHash('sha256').update(json).digest('hex');
}

export interface OpenOptions {
  readonly dir: string;
  readonly spec: Topology;
  /** The name the topology was asked for by (for messages only). */
  readonly topology: string;
  /** Start afresh: drop everything an earlier run kept (--reset-state). */
  readonly reset?: boolean;
}

interface Layout {
  /** Label area size by DIMM key (0: the DIMM has none). */
  readonly dimms: ReadonlyMap<string, number>;
  /** Media size by region key. */
  readonly regions: ReadonlyMap<string, bigint>;
}

function layoutOf(spec: Topology): Layout {
  const dimms = new Map<string, number>();
  const regions = new Map<string, bigint>();
  spec.buses.forEach((bus, b) => {
    for (const d of bus.dimms) dimms.set(dimmKey(b, d.handle), d.labelArea?.size ?? 0);
    bus.regions.forEach((r, i) => regions.set(regionKey(b, i), r.size));
  });
  return { dimms, regions };
}

function parseJson<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StateDirError(`state file ${path}: not JSON (${e instanceof Error ? e.message : String(e)}); ${RESET_HINT}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` field ${issue.path.join('.')}` : '';
    throw new StateDirError(`state file ${path}:${where} ${issue?.message ?? 'invalid'}; ${RESET_HINT}`);
  }
  return parsed.data as z.infer<S>;
}

/** Files a crash left half-written: never acknowledged to anyone, so dropping them loses nothing. */
function isTemp(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARK);
}

/**
 * Whether `pid` is a live ndsim process. A SIGKILLed daemon's pid may have
 * gone to something else since (another container run, say): a live
 * process whose command line does not mention ndsim does not hold the lock.
 */
function heldByNdsim(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('ndsim');
  } catch {
    // No procfs to ask: a live process is taken to be the owner.
    return true;
  }
}

/**
 * Two daemons on one directory would each overwrite the other's writes:
 * the first takes the lock, a second is refused. A lock whose process is
 * gone (a SIGKILLed daemon) is taken over. Returns the release function.
 * (One process opening the directory again, as in-process tests do, may.)
 */
function takeLock(dir: string): () => void {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      const release = () => rmSync(path, { force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && heldByNdsim(pid)) throw new StateDirError(`state dir ${dir} is in use by ndsim process ${pid}`);
    rmSync(path, { force: true });
  }
  throw new StateDirError(`state dir ${dir}: cannot take ${path}`);
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

export class StateDir implements PlatformPersistence {
  readonly saved: SavedPlatform;

  private constructor(
    readonly dir: string,
    saved: SavedPlatform,
    /** Give the directory up (the lock goes with the process otherwise). */
    readonly close: () => void,
  ) {
    this.saved = saved;
  }

  /** Open (creating if need be) and load a state directory for `spec`. */
  static open(opts: OpenOptions): StateDir {
    const { dir } = opts;
    const fingerprint = topologyFingerprint(opts.spec);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new StateDirError(`state dir ${dir}: not a directory`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const present = readdirSync(dir).filter((n) => !isTemp(n) && n !== LOCK);
    const strangers = present.filter((n) => !OURS.has(n));
    if (present.length > 0 && !present.includes(MANIFEST)) {
      throw new StateDirError(`state dir ${dir}: not empty and has no ${MANIFEST} (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}); give an empty or an ndsim state directory`);
    }
    if (strangers.length > 0) throw new StateDirError(`state dir ${dir}: holds files ndsim did not make (${strangers.slice(0, 3).join(', ')}); give an empty or an ndsim state directory`);
    const release = takeLock(dir);
    try {
      return new StateDir(dir, prepare(opts, fingerprint), release);
    } catch (e) {
      release();
      throw e;
    }
  }

  labelsWritten(dimm: string, bytes: Buffer): void {
    atomicWriteFileSync(join(this.dir, DIMMS, `${dimm}.labels`), bytes);
  }

  firmwareChanged(dimm: string, fw: FirmwareSnapshot): void {
    atomicWriteFileSync(join(this.dir, DIMMS, `${dimm}.fw.json`), Buffer.from(`${JSON.stringify({ format: STATE_FORMAT, ...fw }, null, 2)}\n`));
  }

  timelineChanged(timeline: TimelineSnapshot): void {
    atomicWriteFileSync(join(this.dir, PLATFORM), Buffer.from(`${JSON.stringify({ format: STATE_FORMAT, timeline }, null, 2)}\n`));
  }

  mediaPageWritten(region: string, page: number, bytes: Buffer | undefined): void {
    const dir = join(this.dir, MEDIA, region);
    const path = join(dir, pageName(page));
    if (!bytes) return atomicRemoveSync(path);
    if (!existsSync(dir)) {
      mkdirSync(dir, { mode: 0o700 });
      fsyncDir(join(this.dir, MEDIA));
    }
    atomicWriteFileSync(path, bytes);
  }
}

/** Reset if asked, check or write the manifest, and load (under the lock). */
function prepare(opts: OpenOptions, fingerprint: string): SavedPlatform {
  const { dir, spec, topology } = opts;
  const manifestPath = join(dir, MANIFEST);
  if (opts.reset) {
    for (const n of readdirSync(dir)) if ((OURS.has(n) && n !== LOCK) || isTemp(n)) rmSync(join(dir, n), { recursive: true, force: true });
    fsyncDir(dir);
  }
  if (existsSync(manifestPath)) {
    const m = parseJson(manifestPath, Manifest);
    if (m.fingerprint !== fingerprint) {
      throw new StateDirError(
        `state dir ${dir} was made for topology ${m.topology} (${m.fingerprint.slice(0, 12)}), not for ${topology} (${fingerprint.slice(0, 12)}); use another --state dir, or --reset-state to begin afresh`,
      );
    }
  } else {
    const manifest: Manifest = { format: STATE_FORMAT, topology, fingerprint };
    atomicWriteFileSync(manifestPath, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  }
  for (const sub of [DIMMS, MEDIA]) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  fsyncDir(dir);
  return load(dir, layoutOf(spec));
}

function pageName(page: number): string {
  return `${page.toString(16).padStart(8, '0')}.pg`;
}

function load(dir: string, layout: Layout): SavedPlatform {
  const dimms = new Map<string, { labels?: Buffer; firmware?: FirmwareSnapshot }>();
  const dimmsDir = join(dir, DIMMS);
  for (const name of entries(dimmsDir)) {
    const path = join(dimmsDir, name);
    if (isTemp(name)) {
      unlinkSync(path);
      continue;
    }
    const m = /^(.+)\.(labels|fw\.json)$/.exec(name);
    const key = m?.[1];
    const size = key === undefined ? undefined : layout.dimms.get(key);
    if (!m || key === undefined || size === undefined) throw new StateDirError(`state file ${path}: no DIMM of the topology has this name; ${RESET_HINT}`);
    const entry = dimms.get(key) ?? {};
    if (m[2] === 'labels') {
      const bytes = readFileSync(path);
      if (bytes.length !== size) throw new StateDirError(`state file ${path}: ${bytes.length} bytes, but the DIMM's label area holds ${size}; ${RESET_HINT}`);
      entry.labels = bytes;
    } else {
      const { format: _format, ...fw } = parseJson(path, FirmwareFile);
      entry.firmware = fw;
    }
    dimms.set(key, entry);
  }

  const media = new Map<string, Map<number, Buffer>>();
  const mediaDir = join(dir, MEDIA);
  for (const region of entries(mediaDir)) {
    const regionDir = join(mediaDir, region);
    const size = layout.regions.get(region);
    if (size === undefined) throw new StateDirError(`state file ${regionDir}: no region of the topology has this name; ${RESET_HINT}`);
    const pages = new Map<number, Buffer>();
    for (const name of readdirSync(regionDir)) {
      const path = join(regionDir, name);
      if (isTemp(name)) {
        unlinkSync(path);
        continue;
      }
      const m = /^([0-9a-f]{8})\.pg$/.exec(name);
      const page = m?.[1] === undefined ? -1 : parseInt(m[1], 16);
      if (page < 0 || BigInt(page + 1) * BigInt(PAGE) > size) throw new StateDirError(`state file ${path}: not a page of ${region}; ${RESET_HINT}`);
      const bytes = readFileSync(path);
      if (bytes.length !== PAGE) throw new StateDirError(`state file ${path}: ${bytes.length} bytes, a media page holds ${PAGE}; ${RESET_HINT}`);
      pages.set(page, bytes);
    }
    media.set(region, pages);
  }

  const platformPath = join(dir, PLATFORM);
  const timeline = existsSync(platformPath) ? parseJson(platformPath, PlatformFile).timeline : undefined;
  return { dimms: dimms as ReadonlyMap<string, SavedDimm>, media, ...(timeline ? { timeline } : {}) };
}
