// The store() rules of the writable block-layer files of a pmem/btt
// gendisk, as block/blk-sysfs.c, block/disk-events.c, block/badblocks.c,
// block/blk-integrity.c and kernel/trace/blktrace.c have them for a
// bio-based queue (no blk-mq, no scheduler, no polling). Each returns what
// the file shows afterwards, or throws the kernel's errno.
import { KernelError } from '../kernel/errno.js';
import { kstrtoull, kstrtosigned } from '../kernel/parse.js';
import { scanDecimal, simpleStrtoul } from '../kernel/scan.js';

const UINT_MAX = 0xffff_ffffn;

/** queue_var_store(): kstrtoul(page, 10); any failure, or more than UINT_MAX, is EINVAL. */
export function queueVar(buf: string): bigint {
  let v: bigint;
  try {
    v = kstrtoull(buf, 10);
  } catch {
    throw new KernelError('EINVAL');
  }
  if (v > UINT_MAX) throw new KernelError('EINVAL');
  return v;
}

/** QUEUE_SYSFS_BIT_FNS (add_random, iostats, rotational, stable_writes): any non-zero sets the flag. */
export const queueFlag = (buf: string): string => (queueVar(buf) !== 0n ? '1' : '0');

/** queue_nomerges_store(): 2 → NOMERGES (shows 2), other non-zero → NOXMERGES (shows 1). */
export const queueNomerges = (buf: string): string => {
  const v = queueVar(buf);
  return v === 2n ? '2' : v !== 0n ? '1' : '0';
};

/** queue_ra_store(): kept in pages, so the shown KiB round down to a page. */
export const queueReadAhead = (buf: string): string => ((queueVar(buf) >> 2n) << 2n).toString();

/** queue_rq_affinity_store(): 0, 1 and 2 set it; any other number is accepted and changes nothing. */
export const queueRqAffinity = (buf: string, current: string): string => {
  const v = queueVar(buf);
  return v <= 2n ? v.toString() : current;
};

/** queue_max_sectors_store(): between a page (4 KiB) and max_hw_sectors_kb, else EINVAL. */
export const queueMaxSectors =
  (maxHwKb: bigint) =>
  (buf: string): string => {
    const v = queueVar(buf);
    if (v < 4n || v > maxHwKb) throw new KernelError('EINVAL');
    return v.toString();
  };

/**
 * queue_discard_max_store(): a discard_granularity of 0 makes the mask
 * (granularity - 1) all ones, so only 0 passes; it stays 0.
 */
export const queueDiscardMax = (buf: string): string => {
  if (queueVar(buf) & UINT_MAX) throw new KernelError('EINVAL');
  return '0';
};

/** queue_requests_store (!queue_is_mq), queue_poll_store (no QUEUE_FLAG_POLL), queue_poll_delay_store (no mq_ops). */
export const notOnBioQueue = (): string => {
  throw new KernelError('EINVAL');
};

/** queue_wc_store(): prefixes; "write back" needs QUEUE_FLAG_HW_WC (pmem sets it, btt does not). */
export const queueWriteCache =
  (hwWriteCache: boolean) =>
  (buf: string): string => {
    if (buf.startsWith('write back')) {
      if (!hwWriteCache) throw new KernelError('EINVAL');
      return 'write back';
    }
    if (buf.startsWith('write through') || buf.startsWith('none')) return 'write through';
    throw new KernelError('EINVAL');
  };

/**
 * queue_wb_lat_store(): kstrtos64(page, 10)'s errno, EINVAL below -1.
 * Writeback throttling is never set up on this bio-based queue (its show
 * is EINVAL), and ndsim does not model wbt_init(): EINVAL.
 */
export const queueWbtLat = (buf: string): string => {
  kstrtosigned(buf, 64, 10);
  throw new KernelError('EINVAL');
};

/** elv_iosched_store(): !elv_support_iosched() (no blk-mq) → the whole count, ignored. */
export const queueScheduler = (): string => 'none';

/** disk_events_poll_msecs_store(): sscanf("%ld") or EINVAL, < -1 EINVAL, then no disk->ev (no check_events): ENODEV. */
export const eventsPollMsecs = (buf: string): string => {
  const v = scanDecimal(buf, 0, true);
  if (!v || v.value < -1n) throw new KernelError('EINVAL');
  throw new KernelError('ENODEV');
};

/** read_verify_store()/write_generate_store(): simple_strtoul(page, 10), never failing. */
export const integrityFlag = (buf: string): string => (simpleStrtoul(buf) !== 0n ? '1' : '0');

/** sysfs_blk_trace_attr_store(): kstrtoull(0) (act_mask also takes category names); a failure is EINVAL. */
export const traceValue = (buf: string): bigint => {
  try {
    return kstrtoull(buf, 0);
  } catch {
    throw new KernelError('EINVAL');
  }
};

/** badblocks_store(): sscanf("%llu %d%c"); the %c, if any, must be "\n"; the length positive. */
export function parseBadblocks(buf: string): { sector: bigint; length: number } {
  const sector = scanDecimal(buf, 0, false);
  const length = sector && scanDecimal(buf, sector.end, true);
  if (!sector || !length) throw new KernelError('EINVAL');
  const c = buf[length.end];
  if (c !== undefined && c !== '\n') throw new KernelError('EINVAL');
  const n = Number(BigInt.asIntN(32, length.value));
  if (n <= 0) throw new KernelError('EINVAL');
  return { sector: sector.value, length: n };
}
