// Finding or writing a pfn/dax info block when nd_pmem or dax_pmem binds
// (drivers/nvdimm/pfn_devs.c nd_pfn_validate, nd_pfn_init,
// nvdimm_setup_pfn, __nvdimm_setup_pfn). The block decides where the data
// starts (dataoff), the end truncated to the alignment, and so the size
// and resource the device shows.
import { ERRNO, isKernelError } from '../kernel/errno.js';
import { nvdimmReadBytes, nvdimmWriteBytes } from './ns-rw-bytes.js';
import { namespaceUuid, type NdNamespace } from './namespace-common.js';
import { PFN_MODE, PFN_SUPPORTED_ALIGNMENTS, type NdPfnLike, type PfnMode } from './nd-pfn.js';
import { DAX_SIG, decodePfnSb, encodePfnSb, PFN_SB_SIZE, PFN_SIG, sbChecksum, signatureMatches, type PfnSb } from './pfn-sb.js';

const SZ_4K = 4096n;
const SZ_8K = 8192n;
const PAGE_SIZE = 4096n;
/** memremap_compat_align() on x86-64: SUBSECTION_SIZE, 2 MiB. */
const MEMREMAP_COMPAT_ALIGN = 2n * 1024n * 1024n;
/** MAX_STRUCT_PAGE_SIZE, and sizeof(struct page) of the Debian 6.1 build (no memory debugging). */
const MAX_STRUCT_PAGE_SIZE = 64n;
const STRUCT_PAGE_SIZE = 64n;
/** nd_info_block_reserve(): ALIGN(SZ_8K, PAGE_SIZE). */
const INFO_BLOCK_RESERVE = 8192n;

const aligned = (x: bigint, a: bigint) => x % a === 0n;
const alignUp = (x: bigint, a: bigint) => ((x + a - 1n) / a) * a;
const alignDown = (x: bigint, a: bigint) => (x / a) * a;
const physPfn = (x: bigint) => x / PAGE_SIZE;

/** 1UL << ilog2(x) */
function highestPowerOfTwo(x: bigint): bigint {
  let p = 1n;
  while (p * 2n <= x) p *= 2n;
  return p;
}

function modeOf(value: number): PfnMode | undefined {
  return (Object.keys(PFN_MODE) as PfnMode[]).find((m) => PFN_MODE[m] === value);
}

/** The signature a device of this kind writes and looks for. */
export function pfnSignature(pfn: NdPfnLike): string {
  return pfn.kind === 'dax' ? DAX_SIG : PFN_SIG;
}

/**
 * nd_pfn_validate(): read the info block at 4 KiB and check it against
 * the namespace and, when the device is configured, against its settings.
 * An unconfigured device (found by a namespace probe) takes uuid, align
 * and mode from the block. 0 leaves the block in pfn.sb; -ENODEV means
 * "no info block for us".
 */
export function ndPfnValidate(pfn: NdPfnLike, sig: string): number {
  const ns = pfn.ndns;
  if (!ns) return -ERRNO.ENODEV;
  let block: Buffer;
  try {
    block = nvdimmReadBytes(ns, SZ_4K, PFN_SB_SIZE);
  } catch (e) {
    if (isKernelError(e)) return -ERRNO.ENXIO;
    throw e;
  }
  const sb = decodePfnSb(block);
  if (!signatureMatches(sb, sig)) return -ERRNO.ENODEV;
  if (sb.checksum !== sbChecksum(block)) return -ERRNO.ENODEV;
  if (!sb.parentUuid.equals(namespaceUuid(ns))) return -ERRNO.ENODEV;

  // Older minor versions lack fields: read them as their defaults.
  if (sb.versionMinor < 1) {
    sb.startPad = 0;
    sb.endTrunc = 0;
  }
  if (sb.versionMinor < 2) sb.align = 0;
  if (sb.versionMinor < 4) {
    sb.pageStructSize = Number(MAX_STRUCT_PAGE_SIZE);
    sb.pageSize = Number(PAGE_SIZE);
  }
  const mode = modeOf(sb.mode);
  if (mode !== 'ram' && mode !== 'pmem') return -ERRNO.ENXIO;

  const offset = sb.dataoff;
  const startPad = BigInt(sb.startPad);
  let align = BigInt(sb.align);
  if (align === 0n) align = highestPowerOfTwo(offset);
  if (BigInt(sb.pageSize) > PAGE_SIZE && mode === 'pmem') return -ERRNO.EOPNOTSUPP;
  if (BigInt(sb.pageStructSize) < STRUCT_PAGE_SIZE && mode === 'pmem') return -ERRNO.EOPNOTSUPP;
  // device-dax refuses an alignment it cannot map; fsdax falls back to smaller pages.
  if (!PFN_SUPPORTED_ALIGNMENTS.includes(align) && sig === DAX_SIG) return -ERRNO.EOPNOTSUPP;

  if (!pfn.uuid) {
    pfn.uuid = Buffer.from(sb.uuid);
    pfn.align = align;
    pfn.mode = mode;
  } else {
    if (!pfn.uuid.equals(sb.uuid)) return -ERRNO.ENODEV;
    // The uuid matches but userspace changed the settings without a new identity.
    if (pfn.align !== align || pfn.mode !== mode) return -ERRNO.EOPNOTSUPP;
  }

  if (align > ns.size) return -ERRNO.EOPNOTSUPP;
  if (offset >= ns.size) return -ERRNO.EOPNOTSUPP;
  if ((align && !aligned(ns.start + offset + startPad, align)) || !aligned(offset, PAGE_SIZE)) return -ERRNO.EOPNOTSUPP;
  if (!aligned(ns.start + startPad, MEMREMAP_COMPAT_ALIGN)) return -ERRNO.EOPNOTSUPP;
  if (!aligned(ns.start + ns.size - BigInt(sb.endTrunc), MEMREMAP_COMPAT_ALIGN)) return -ERRNO.EOPNOTSUPP;
  pfn.sb = sb;
  return 0;
}

/**
 * nd_pfn_init(): use a valid info block, or (none found) lay out a new
 * one from the device's settings and write it: the data starts after the
 * 8 KiB reserve and, in "pmem" mode, a 64-byte struct page per 4 KiB
 * page, rounded up to the alignment; the end is truncated to it.
 */
function ndPfnInit(pfn: NdPfnLike, ns: NdNamespace): number {
  const sig = pfnSignature(pfn);
  const rc = ndPfnValidate(pfn, sig);
  // nd_pfn_clear_memmap_errors() has nothing to clear: ndsim's regions have no bad blocks.
  if (rc === 0) return 0;
  if (rc !== -ERRNO.ENODEV) return rc;

  if (ns.region.readOnly) return -ERRNO.ENXIO;
  const start = ns.start;
  const size = ns.size;
  let npfns = physPfn(size - SZ_8K);
  const align = pfn.align > MEMREMAP_COMPAT_ALIGN ? pfn.align : MEMREMAP_COMPAT_ALIGN;
  // A misaligned start fails creation (start_pad is deprecated).
  if (!aligned(start, MEMREMAP_COMPAT_ALIGN)) return -ERRNO.EINVAL;
  const endTrunc = start + size - alignDown(start + size, align);
  let offset: bigint;
  if (pfn.mode === 'pmem') offset = alignUp(start + SZ_8K + MAX_STRUCT_PAGE_SIZE * npfns, align) - start;
  else if (pfn.mode === 'ram') offset = alignUp(start + SZ_8K, align) - start;
  else return -ERRNO.ENXIO;
  // Unable to satisfy the requested alignment.
  if (offset >= size) return -ERRNO.ENXIO;

  npfns = physPfn(size - offset - endTrunc);
  const block = encodePfnSb(sig, pfn.uuid ?? Buffer.alloc(16), namespaceUuid(ns), {
    flags: 0,
    versionMajor: 1,
    versionMinor: 4,
    dataoff: offset,
    npfns,
    mode: PFN_MODE[pfn.mode],
    startPad: 0,
    endTrunc: Number(endTrunc),
    align: Number(pfn.align),
    pageSize: Number(PAGE_SIZE),
    pageStructSize: Number(MAX_STRUCT_PAGE_SIZE),
  });
  pfn.sb = decodePfnSb(block);
  nvdimmWriteBytes(ns, SZ_4K, block);
  return 0;
}

/** __nvdimm_setup_pfn(): the memmap must fit where the mode puts it. */
function checkMemmap(pfn: NdPfnLike, sb: PfnSb): number {
  if (pfn.mode === 'ram') return sb.dataoff < INFO_BLOCK_RESERVE ? -ERRNO.EINVAL : 0;
  if (pfn.mode === 'pmem') return 0;
  return -ERRNO.ENXIO;
}

/** nvdimm_setup_pfn(): a configured device, its info block, the memmap placement. */
export function nvdimmSetupPfn(pfn: NdPfnLike): number {
  const ns = pfn.ndns;
  if (!pfn.uuid || !ns) return -ERRNO.ENODEV;
  const rc = ndPfnInit(pfn, ns);
  if (rc) return rc;
  return pfn.sb ? checkMemmap(pfn, pfn.sb) : -ERRNO.ENXIO;
}

/** pmem_attach_disk()'s data_offset and pfn_pad: what the block device leaves out of the namespace. */
export function pfnDataRange(sb: PfnSb, ns: NdNamespace): { start: bigint; size: bigint } {
  const startPad = BigInt(sb.startPad);
  const start = ns.start + startPad + sb.dataoff;
  return { start, size: ns.size - startPad - BigInt(sb.endTrunc) - sb.dataoff };
}
