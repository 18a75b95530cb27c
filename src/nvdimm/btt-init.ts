// Attaching a Block Translation Table to a claimed namespace
// (drivers/nvdimm/btt.c nvdimm_namespace_attach_btt, btt_init,
// discover_arenas, create_arenas, alloc_arena, btt_arena_write_layout,
// btt_map_init, btt_log_init; btt_devs.c nd_btt_version). The namespace is
// cut into arenas of at most 512 GiB, each with its info block, data, map,
// log and info block copy; the exported capacity is the sum of the arenas'
// external blocks. The I/O path (lanes, freelist, read tracking table) is
// not modelled: ndsim only lays out and finds the metadata.
import { ERRNO, isKernelError } from '../kernel/errno.js';
import { BTT_SB_SIZE, encodeBttSb, validBttSb, type BttSb } from './btt-sb.js';
import { nvdimmReadBytes, nvdimmWriteBytes } from './ns-rw-bytes.js';
import { namespaceUuid, type NdNamespace } from './namespace-common.js';
import type { NdBtt } from './nd-btt.js';

const SZ_4K = 4096n;
const BTT_PG_SIZE = 4096n;
/** ARENA_MIN_SIZE and ARENA_MAX_SIZE */
const ARENA_MIN_SIZE = 1n << 24n;
const ARENA_MAX_SIZE = 1n << 39n;
/** BTT_DEFAULT_NFREE = ND_MAX_LANES */
const BTT_DEFAULT_NFREE = 256n;
const INT_LBASIZE_ALIGNMENT = 64n;
const MAP_ENT_SIZE = 4n;
/** sizeof(struct log_entry) and of a log group (four entries). */
const LOG_ENT_SIZE = 16n;
const LOG_GRP_SIZE = 64n;
const LOG_SEQ_INIT = 1;

const roundup = (x: bigint, a: bigint) => ((x + a - 1n) / a) * a;
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** nd_btt_version(): where the first arena starts and which format it has, from the claim class. */
export interface BttVersion {
  initialOffset: bigint;
  major: number;
  minor: number;
}

export function bttVersionFor(ns: NdNamespace): BttVersion {
  return ns.claimClass === 'btt2' ? { initialOffset: 0n, major: 2, minor: 0 } : { initialOffset: SZ_4K, major: 1, minor: 1 };
}

/** The first arena's info block, when a valid one of the expected version is there; else the errno. */
export function readBttInfo(ns: NdNamespace, version: BttVersion): BttSb | number {
  let block: Buffer;
  try {
    block = nvdimmReadBytes(ns, version.initialOffset, BTT_SB_SIZE);
  } catch (e) {
    if (isKernelError(e)) return -ERRNO.ENXIO;
    throw e;
  }
  const sb = validBttSb(block, namespaceUuid(ns));
  if (!sb || sb.versionMajor !== version.major || sb.versionMinor !== version.minor) return -ERRNO.ENODEV;
  return sb;
}

interface Arena {
  size: bigint;
  infooff: bigint;
  dataoff: bigint;
  mapoff: bigint;
  logoff: bigint;
  info2off: bigint;
  nextoff: bigint;
  externalNlba: bigint;
  internalNlba: bigint;
  internalLbasize: bigint;
}

/** alloc_arena(): info block, data, map, log, info copy, sized for `size` bytes at `off`. */
function allocArena(lbasize: bigint, size: bigint, off: bigint): Arena {
  const internalLbasize = roundup(lbasize, INT_LBASIZE_ALIGNMENT);
  let available = size - (size % BTT_PG_SIZE);
  // Two pages for the info block and its copy.
  available -= 2n * BTT_PG_SIZE;
  const logsize = roundup(BTT_DEFAULT_NFREE * LOG_GRP_SIZE, BTT_PG_SIZE);
  available -= logsize;
  const internalNlba = (available - BTT_PG_SIZE) / (internalLbasize + MAP_ENT_SIZE);
  const externalNlba = internalNlba - BTT_DEFAULT_NFREE;
  const mapsize = roundup(externalNlba * MAP_ENT_SIZE, BTT_PG_SIZE);
  const datasize = available - mapsize;
  const dataoff = off + BTT_PG_SIZE;
  const mapoff = dataoff + datasize;
  const logoff = mapoff + mapsize;
  return { size, infooff: off, dataoff, mapoff, logoff, info2off: logoff + logsize, nextoff: 0n, externalNlba, internalNlba, internalLbasize };
}

/** create_arenas(): full arenas while at least ARENA_MIN_SIZE remains. */
function createArenas(rawsize: bigint, lbasize: bigint): Arena[] {
  const arenas: Arena[] = [];
  let remaining = rawsize;
  let off = 0n;
  while (remaining) {
    const size = min(ARENA_MAX_SIZE, remaining);
    remaining -= size;
    if (size < ARENA_MIN_SIZE) break;
    const arena = allocArena(lbasize, size, off);
    arena.nextoff = remaining >= ARENA_MIN_SIZE ? arena.size : 0n;
    off += size;
    arenas.push(arena);
  }
  return arenas;
}

/**
 * btt_arena_write_layout(): zero the map, write the initial log (one entry
 * per free block), then the info block copy and the info block.
 */
function writeArenaLayout(btt: NdBtt, ns: NdNamespace, version: BttVersion, lbasize: bigint, arena: Arena): void {
  const at = (off: bigint) => version.initialOffset + off;
  nvdimmWriteBytes(ns, at(arena.mapoff), Buffer.alloc(Number(arena.logoff - arena.mapoff)));
  const log = Buffer.alloc(Number(arena.info2off - arena.logoff));
  for (let i = 0n; i < BTT_DEFAULT_NFREE; i++) {
    const ent = Number(i * LOG_GRP_SIZE);
    log.writeUInt32LE(Number(i), ent);
    log.writeUInt32LE(Number(arena.externalNlba + i), ent + 4);
    log.writeUInt32LE(Number(arena.externalNlba + i), ent + 8);
    log.writeUInt32LE(LOG_SEQ_INIT, ent + Number(LOG_ENT_SIZE) - 4);
  }
  nvdimmWriteBytes(ns, at(arena.logoff), log);
  const block = encodeBttSb(btt.uuid ?? Buffer.alloc(16), namespaceUuid(ns), {
    flags: 0,
    versionMajor: version.major,
    versionMinor: version.minor,
    externalLbasize: Number(lbasize),
    externalNlba: Number(arena.externalNlba),
    internalLbasize: Number(arena.internalLbasize),
    internalNlba: Number(arena.internalNlba),
    nfree: Number(BTT_DEFAULT_NFREE),
    infosize: BTT_SB_SIZE,
    nextoff: arena.nextoff,
    dataoff: arena.dataoff - arena.infooff,
    mapoff: arena.mapoff - arena.infooff,
    logoff: arena.logoff - arena.infooff,
    info2off: arena.info2off - arena.infooff,
  });
  nvdimmWriteBytes(ns, at(arena.info2off), block);
  nvdimmWriteBytes(ns, at(arena.infooff), block);
}

/**
 * discover_arenas(): walk the arenas' info blocks. The external block
 * count of a complete BTT, 0 when there is none at all, or an errno for
 * metadata that stops halfway.
 */
function discoverArenas(ns: NdNamespace, version: BttVersion, rawsize: bigint): bigint | number {
  let remaining = rawsize;
  let off = 0n;
  let nlba = 0n;
  while (remaining) {
    let sb: BttSb | undefined;
    try {
      sb = validBttSb(nvdimmReadBytes(ns, version.initialOffset + off, BTT_SB_SIZE), namespaceUuid(ns));
    } catch (e) {
      if (isKernelError(e)) return -ERRNO.EIO;
      throw e;
    }
    if (!sb) return remaining === rawsize ? 0n : -ERRNO.ENODEV;
    // nfree smaller than the lane count cannot work.
    if (BigInt(sb.nfree) < BTT_DEFAULT_NFREE) return -ERRNO.ENODEV;
    const size = sb.nextoff > 0n ? sb.nextoff : sb.info2off + BTT_PG_SIZE;
    nlba += BigInt(sb.externalNlba);
    remaining -= size;
    off += size;
    if (sb.nextoff === 0n) break;
  }
  return nlba;
}

/**
 * nvdimm_namespace_attach_btt() up to btt_blk_init(): find the BTT or lay
 * out a new one, and set nd_btt->size. Returns 0 or a negative errno.
 */
export function attachBtt(btt: NdBtt, ns: NdNamespace): number {
  if (!btt.uuid || !btt.ndns || !btt.lbasize) return -ERRNO.ENODEV;
  const version = bttVersionFor(ns);
  const rawsize = ns.size - version.initialOffset;
  if (rawsize < ARENA_MIN_SIZE) return -ERRNO.ENXIO;
  const lbasize = btt.lbasize;
  const sectorSize = lbasize >= 4096n ? 4096n : 512n;
  const found = discoverArenas(ns, version, rawsize);
  // btt_init() failing is reported as -ENOMEM.
  if (typeof found === 'number') return -ERRNO.ENOMEM;
  let nlba = found;
  if (nlba === 0n) {
    if (ns.region.readOnly) return -ERRNO.ENOMEM;
    const arenas = createArenas(rawsize, lbasize);
    for (const arena of arenas) writeArenaLayout(btt, ns, version, lbasize, arena);
    nlba = arenas.reduce((n, a) => n + a.externalNlba, 0n);
  }
  btt.size = nlba * sectorSize;
  return 0;
}

/** btt->sector_size: what the BTT's block device exports per logical block. */
export function bttSectorSize(btt: NdBtt): bigint {
  return btt.lbasize >= 4096n ? 4096n : 512n;
}
