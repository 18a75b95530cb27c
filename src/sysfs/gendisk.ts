// A pmem gendisk's sysfs directory (block/genhd.c disk_attrs, blk-sysfs.c
// queue attributes, blk-integrity.c, blktrace's trace/, drivers/dax's
// dax/write_cache). Values are those of a pmem queue (logical blocks of the
// namespace's sector size, 4096-byte physical blocks, no scheduler, DAX
// when a pfn device maps the pages) or of a BTT's (blocks of its sector
// size, no write cache, no dax_device).
import type { PmemDisk } from '../nvdimm/pmem-disk.js';
import { attrFile, constFile, storeFromBytes } from './attr-file.js';
import {
  eventsPollMsecs,
  integrityFlag,
  notOnBioQueue,
  parseBadblocks,
  queueDiscardMax,
  queueFlag,
  queueMaxSectors,
  queueNomerges,
  queueReadAhead,
  queueRqAffinity,
  queueScheduler,
  queueWbtLat,
  queueWriteCache,
  traceValue,
} from './block-stores.js';
import { boolean01, tunable } from './tunable.js';
import { dir, mkdirp, type DirNode } from './node.js';
import { ueventFile } from './uevent.js';
import { powerDir } from './power.js';

/** part_stat_show(): seventeen "%8lu" counters, all zero on a disk nobody used. */
const ZERO_STATS = `${Array.from({ length: 17 }, () => '0'.padStart(8)).join(' ')}\n`;

/** max_hw_sectors_kb of a pmem/btt queue (BLK_DEF_MAX_SECTORS is not applied to bio-based queues). */
const MAX_HW_SECTORS_KB = 2147483647n;

function queueDir(disk: PmemDisk): DirNode {
  const q = dir();
  const e = q.entries;
  const ro: Array<[string, string]> = [
    ['chunk_sectors', '0'],
    // QUEUE_FLAG_DAX with PFN_MAP (an fsdax pfn device).
    ['dax', disk.pfnMap ? '1' : '0'],
    ['discard_granularity', '0'],
    ['discard_max_hw_bytes', '0'],
    ['discard_zeroes_data', '0'],
    ['dma_alignment', '511'],
    ['fua', disk.fua ? '1' : '0'],
    ['hw_sector_size', String(disk.logicalBlockSize)],
    ['logical_block_size', String(disk.logicalBlockSize)],
    ['max_discard_segments', '1'],
    ['max_hw_sectors_kb', String(MAX_HW_SECTORS_KB)],
    ['max_integrity_segments', '0'],
    ['max_segment_size', '65536'],
    ['max_segments', '128'],
    ['minimum_io_size', String(disk.physicalBlockSize)],
    ['nr_zones', '0'],
    ['optimal_io_size', '0'],
    ['physical_block_size', String(disk.physicalBlockSize)],
    ['virt_boundary_mask', '0'],
    ['write_same_max_bytes', '0'],
    ['write_zeroes_max_bytes', '0'],
    ['zone_append_max_bytes', '0'],
    ['zone_write_granularity', '0'],
    ['zoned', 'none'],
  ];
  for (const [name, value] of ro) e.set(name, constFile(`${value}\n`));
  // block/blk-sysfs.c queue_attrs, as a bio-based queue answers (block-stores.ts).
  e.set('add_random', tunable(disk, 'queue/add_random', '0', queueFlag));
  e.set('discard_max_bytes', tunable(disk, 'queue/discard_max_bytes', '0', queueDiscardMax));
  e.set('io_poll', tunable(disk, 'queue/io_poll', '0', notOnBioQueue));
  e.set('io_poll_delay', tunable(disk, 'queue/io_poll_delay', '0', notOnBioQueue));
  e.set('iostats', tunable(disk, 'queue/iostats', '0', queueFlag));
  e.set('max_sectors_kb', tunable(disk, 'queue/max_sectors_kb', '1280', queueMaxSectors(MAX_HW_SECTORS_KB)));
  e.set('nomerges', tunable(disk, 'queue/nomerges', '0', queueNomerges));
  e.set('nr_requests', tunable(disk, 'queue/nr_requests', '128', notOnBioQueue));
  e.set('read_ahead_kb', tunable(disk, 'queue/read_ahead_kb', '128', queueReadAhead));
  e.set('rotational', tunable(disk, 'queue/rotational', '0', queueFlag));
  e.set('rq_affinity', tunable(disk, 'queue/rq_affinity', '0', queueRqAffinity));
  e.set('scheduler', tunable(disk, 'queue/scheduler', 'none', queueScheduler));
  e.set('stable_writes', tunable(disk, 'queue/stable_writes', '0', queueFlag));
  // pmem: blk_queue_write_cache(q, true, fua) sets QUEUE_FLAG_HW_WC; btt leaves the default.
  const hwWriteCache = disk.driver === 'pmem';
  e.set('write_cache', tunable(disk, 'queue/write_cache', hwWriteCache ? 'write back' : 'write through', queueWriteCache(hwWriteCache)));
  // Writeback throttling is not set up on a bio-based queue: show EINVAL, store parses then EINVAL.
  e.set('wbt_lat_usec', { kind: 'attr', mode: 0o644, show: notOnBioQueue, store: storeFromBytes((buf) => Number(queueWbtLat(buf))) });
  return q;
}

function integrityDir(disk: PmemDisk): DirNode {
  const d = dir();
  d.entries.set('device_is_integrity_capable', constFile('0\n'));
  d.entries.set('format', constFile('none\n'));
  d.entries.set('protection_interval_bytes', constFile('0\n'));
  d.entries.set('read_verify', tunable(disk, 'integrity/read_verify', '0', integrityFlag));
  d.entries.set('tag_size', constFile('0\n'));
  d.entries.set('write_generate', tunable(disk, 'integrity/write_generate', '0', integrityFlag));
  return d;
}

/**
 * kernel/trace/blktrace.c sysfs_blk_trace_attr_store(): a kstrtoull(0)
 * number (act_mask also takes category names), else EINVAL; ndsim keeps
 * what was written for the show.
 */
function traceDir(disk: PmemDisk): DirNode {
  const d = dir();
  d.entries.set('act_mask', tunable(disk, 'trace/act_mask', 'disabled', (b) => {
    const t = b.trim();
    if (/^[a-z_]+(,[a-z_]+)*$/.test(t)) return t;
    return `0x${traceValue(b).toString(16)}`;
  }));
  d.entries.set('enable', tunable(disk, 'trace/enable', '0', (b) => (traceValue(b) !== 0n ? '1' : '0')));
  for (const name of ['end_lba', 'pid', 'start_lba']) d.entries.set(name, tunable(disk, `trace/${name}`, 'disabled', (b) => traceValue(b).toString()));
  return d;
}

/** Entries of /sys/.../block/<disk>; links outside the directory are added by the caller. */
export function gendiskDir(disk: PmemDisk): DirNode {
  const d = dir();
  const e = d.entries;
  const devt = `${disk.devt.major}:${disk.devt.minor}`;
  e.set('alignment_offset', constFile('0\n'));
  // block/badblocks.c: one "sector count" line per known bad range; a
  // write of "sector count" records one (count must be positive).
  e.set(
    'badblocks',
    attrFile(disk, 0o644, (k) => k.badblocks.map(([s, n]) => `${s} ${n}\n`).join(''), (k, buf, count) => {
      const { sector, length } = parseBadblocks(buf);
      k.addBadblocks(sector, length);
      return count;
    }),
  );
  e.set('capability', constFile('0\n'));
  // pmem_attribute_groups: dax_attribute_group, for the disk's dax_device.
  if (disk.driver === 'pmem') {
    const dax = mkdirp(d, 'dax');
    dax.entries.set('write_cache', tunable(disk, 'dax/write_cache', disk.daxWriteCache ? '1' : '0', boolean01));
  }
  e.set('dev', constFile(`${devt}\n`));
  e.set('discard_alignment', constFile('0\n'));
  e.set('diskseq', constFile(`${disk.diskseq}\n`));
  e.set('events', constFile(''));
  e.set('events_async', constFile(''));
  e.set('events_poll_msecs', tunable(disk, 'events_poll_msecs', '-1', eventsPollMsecs));
  e.set('ext_range', constFile('256\n'));
  e.set('hidden', constFile('0\n'));
  e.set('holders', dir());
  e.set('inflight', constFile('       0        0\n'));
  e.set('integrity', integrityDir(disk));
  e.set('power', powerDir(disk));
  e.set('queue', queueDir(disk));
  e.set('range', constFile('0\n'));
  e.set('removable', constFile('0\n'));
  e.set('ro', { kind: 'attr', mode: 0o444, show: () => (disk.readOnly ? '1\n' : '0\n') });
  e.set('size', constFile(`${disk.sectors}\n`));
  e.set('slaves', dir());
  e.set('stat', constFile(ZERO_STATS));
  e.set('trace', traceDir(disk));
  e.set('uevent', ueventFile(disk, (k) => `MAJOR=${k.devt.major}\nMINOR=${k.devt.minor}\nDEVNAME=${k.name}\nDEVTYPE=disk\nDISKSEQ=${k.diskseq}\n`));
  return d;
}
