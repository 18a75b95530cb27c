// A pmem gendisk's sysfs directory (block/genhd.c disk_attrs, blk-sysfs.c
// queue attributes, blk-integrity.c, blktrace's trace/, drivers/dax's
// dax/write_cache). Values are those of a pmem queue (logical blocks of the
// namespace's sector size, 4096-byte physical blocks, no scheduler, DAX
// when a pfn device maps the pages) or of a BTT's (blocks of its sector
// size, no write cache, no dax_device).
import { KernelError } from '../kernel/errno.js';
import type { PmemDisk } from '../nvdimm/pmem-disk.js';
import { attrFile, constFile, failingFile } from './attr-file.js';
import { boolean01, integer, oneOf, tunable } from './tunable.js';
import { dir, mkdirp, type DirNode } from './node.js';
import { ueventFile } from './uevent.js';
import { powerDir } from './power.js';

/** part_stat_show(): seventeen "%8lu" counters, all zero on a disk nobody used. */
const ZERO_STATS = `${Array.from({ length: 17 }, () => '0'.padStart(8)).join(' ')}\n`;

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
    ['max_hw_sectors_kb', '2147483647'],
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
  e.set('add_random', tunable('0', boolean01));
  e.set('discard_max_bytes', tunable('0', integer));
  e.set('io_poll', tunable('0', boolean01));
  e.set('io_poll_delay', tunable('0', integer));
  e.set('iostats', tunable('0', boolean01));
  e.set('max_sectors_kb', tunable('1280', integer));
  e.set('nomerges', tunable('0', integer));
  e.set('nr_requests', tunable('128', integer));
  e.set('read_ahead_kb', tunable('128', integer));
  e.set('rotational', tunable('0', boolean01));
  e.set('rq_affinity', tunable('0', integer));
  e.set('scheduler', tunable('none', oneOf(['none'])));
  e.set('stable_writes', tunable('0', boolean01));
  // pmem: blk_queue_write_cache(q, true, fua); btt leaves the default.
  e.set('write_cache', tunable(disk.driver === 'pmem' ? 'write back' : 'write through', oneOf(['write back', 'write through'])));
  // Writeback throttling is not set up on a bio-based queue: EINVAL both ways.
  e.set('wbt_lat_usec', failingFile('EINVAL'));
  return q;
}

function integrityDir(): DirNode {
  const d = dir();
  d.entries.set('device_is_integrity_capable', constFile('0\n'));
  d.entries.set('format', constFile('none\n'));
  d.entries.set('protection_interval_bytes', constFile('0\n'));
  d.entries.set('read_verify', tunable('0', boolean01));
  d.entries.set('tag_size', constFile('0\n'));
  d.entries.set('write_generate', tunable('0', boolean01));
  return d;
}

function traceDir(): DirNode {
  const d = dir();
  d.entries.set('act_mask', tunable('disabled', (b) => b.trim()));
  d.entries.set('enable', tunable('0', boolean01));
  for (const name of ['end_lba', 'pid', 'start_lba']) d.entries.set(name, tunable('disabled', integer));
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
      const m = /^(\d+) (-?\d+)\n?$/.exec(buf);
      if (!m?.[1] || !m[2] || Number(m[2]) <= 0) throw new KernelError('EINVAL');
      k.addBadblocks(BigInt(m[1]), Number(m[2]));
      return count;
    }),
  );
  e.set('capability', constFile('0\n'));
  // pmem_attribute_groups: dax_attribute_group, for the disk's dax_device.
  if (disk.driver === 'pmem') {
    const dax = mkdirp(d, 'dax');
    dax.entries.set('write_cache', tunable(disk.daxWriteCache ? '1' : '0', boolean01));
  }
  e.set('dev', constFile(`${devt}\n`));
  e.set('discard_alignment', constFile('0\n'));
  e.set('diskseq', constFile(`${disk.diskseq}\n`));
  e.set('events', constFile(''));
  e.set('events_async', constFile(''));
  e.set('events_poll_msecs', tunable('-1', integer));
  e.set('ext_range', constFile('256\n'));
  e.set('hidden', constFile('0\n'));
  e.set('holders', dir());
  e.set('inflight', constFile('       0        0\n'));
  e.set('integrity', integrityDir());
  e.set('power', powerDir());
  e.set('queue', queueDir(disk));
  e.set('range', constFile('0\n'));
  e.set('removable', constFile('0\n'));
  e.set('ro', { kind: 'attr', mode: 0o444, show: () => (disk.readOnly ? '1\n' : '0\n') });
  e.set('size', constFile(`${disk.sectors}\n`));
  e.set('slaves', dir());
  e.set('stat', constFile(ZERO_STATS));
  e.set('trace', traceDir());
  e.set('uevent', ueventFile(disk, (k) => `MAJOR=${k.devt.major}\nMINOR=${k.devt.minor}\nDEVNAME=${k.name}\nDEVTYPE=disk\nDISKSEQ=${k.diskseq}\n`));
  return d;
}
