// The pfn device pfnR.N (drivers/nvdimm/pfn_devs.c) and the nd_dax device
// daxR.N (dax_devs.c), which embeds an nd_pfn and shares its attributes:
// both reserve room for a memmap (struct page array) at the start of a
// claimed namespace, described by an info block, so the rest can be
// mapped as ZONE_DEVICE pages (fsdax through nd_pmem, device-dax through
// dax_pmem).
import { KernelError } from '../kernel/errno.js';
import { hexAlt, line } from '../kernel/format.js';
import { MODE, ro, rw, type AttributeGroup } from './attribute.js';
import type { DaxRegion } from './dax-region.js';
import { NdClaimDevice, namespaceAttr, numaGroup, uuidAttr } from './nd-claim-device.js';
import { sizeSelectShow, sizeSelectStore } from './nd-size-select.js';
import type { PfnSb } from './pfn-sb.js';

/** enum nd_pfn_mode: where the memmap lives (none yet, in RAM, or in the namespace). */
export const PFN_MODE = { none: 0, ram: 1, pmem: 2 } as const;
export type PfnMode = keyof typeof PFN_MODE;

/** nd_pfn_supported_alignments() on x86-64 with THP: PAGE_SIZE, HPAGE_PMD_SIZE, HPAGE_PUD_SIZE. */
export const PFN_SUPPORTED_ALIGNMENTS = [4096n, 2097152n, 1073741824n];
/** nd_pfn_default_alignment(): the PMD size when transparent huge pages are available. */
const PFN_DEFAULT_ALIGNMENT = 2097152n;

abstract class PfnDevice extends NdClaimDevice {
  mode: PfnMode = 'none';
  align = PFN_DEFAULT_ALIGNMENT;
  /** nd_pfn->pfn_sb: the info block validated (or written) by the driver that bound the device. */
  sb: PfnSb | undefined;

  resetConfig(): void {
    this.uuid = null;
    this.mode = 'none';
  }
}

export class NdPfn extends PfnDevice {
  readonly kind = 'pfn';
  readonly devtype = 'nd_pfn';
}

export class NdDax extends PfnDevice {
  readonly kind = 'dax';
  readonly devtype = 'nd_dax';
  /** The dax_region dax_pmem set up as this device's driver data, while bound. */
  daxRegion: DaxRegion | undefined;
}

export type NdPfnLike = NdPfn | NdDax;

/** C strncmp() on the store's string (which ends at the first NUL). */
function strncmpEqual(a: string, b: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ca = a[i] ?? '\0';
    const cb = b[i] ?? '\0';
    if (ca !== cb) return false;
    if (ca === '\0') return true;
  }
  return true;
}

/**
 * mode_store(): compares only the first len-1 bytes with "pmem\n"/"pmem",
 * "ram\n"/"ram", "none\n"/"none", in that order, so a trailing NUL or
 * newline is allowed, and so is a prefix of a mode name.
 */
function parseMode(buf: string, count: number): PfnMode {
  const n = count - 1;
  for (const mode of ['pmem', 'ram', 'none'] as const) {
    if (strncmpEqual(buf, `${mode}\n`, n) || strncmpEqual(buf, mode, n)) return mode;
  }
  throw new KernelError('EINVAL');
}

/** The info block of a bound device; its absence is "disabled": nothing to convey. */
function boundSb(d: NdPfnLike): PfnSb {
  if (d.driver === null || !d.sb || !d.ndns) throw new KernelError('ENXIO');
  return d.sb;
}

const pfnGroup: AttributeGroup<NdPfnLike> = {
  attrs: [
    rw(
      'mode',
      (d) => line(d.mode),
      (d, buf, count) => {
        if (d.driver !== null) throw new KernelError('EBUSY');
        d.mode = parseMode(buf, count);
        return count;
      },
    ),
    namespaceAttr(),
    uuidAttr(),
    rw(
      'align',
      (d) => line(d.align),
      (d, buf, count) => {
        d.align = sizeSelectStore(d.driver !== null, buf, PFN_SUPPORTED_ALIGNMENTS);
        return count;
      },
    ),
    ro(
      'resource',
      (d) => {
        const sb = boundSb(d);
        return line(hexAlt((d.ndns?.start ?? 0n) + BigInt(sb.startPad) + sb.dataoff));
      },
      MODE.ADMIN_RO,
    ),
    ro('size', (d) => {
      const sb = boundSb(d);
      return line((d.ndns?.size ?? 0n) - BigInt(sb.startPad) - BigInt(sb.endTrunc) - sb.dataoff);
    }),
    // nd_size_select_show(0, ...): nothing is bracketed.
    ro('supported_alignments', () => sizeSelectShow(0n, PFN_SUPPORTED_ALIGNMENTS)),
  ],
};

/** nd_pfn_attribute_groups, which nd_dax_device_type uses too. */
export const PFN_ATTRIBUTE_GROUPS: readonly AttributeGroup<NdPfnLike>[] = [pfnGroup, numaGroup()];
