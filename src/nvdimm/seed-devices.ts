// The idle btt/pfn/dax devices every region offers as seeds
// (drivers/nvdimm/btt_devs.c, pfn_devs.c, dax_devs.c, claim.c).
import { KernelError } from '../kernel/errno.js';
import { hexAlt, line, tokenList } from '../kernel/format.js';
import { kstrtoull, sysfsStreq } from '../kernel/parse.js';
import { MODE, ro, rw, type AttributeGroup, type DeviceAttribute } from './attribute.js';
import { ND_DEVICE, modalias, type NdDevice } from './device.js';
import type { NdNamespace } from './namespace-common.js';
import type { NdRegion } from './region.js';
import { formatUuid, uuidParse } from './uuid.js';

export type SeedKind = 'btt' | 'pfn' | 'dax';

const BTT_SECTOR_SIZES = [512, 520, 528, 4096, 4104, 4160, 4224];
/** nd_pfn_supported_alignments(): PAGE_SIZE, PMD and PUD sizes on x86-64 with THP. */
const SUPPORTED_ALIGNMENTS = [4096n, 2097152n, 1073741824n];
const DEVTYPE: Record<SeedKind, string> = { btt: 'nd_btt', pfn: 'nd_pfn', dax: 'nd_dax' };

export class SeedDevice implements NdDevice {
  readonly name: string;
  readonly devtype: string;
  readonly devt = undefined;
  driver: string | null = null;
  uuid: string | null = null;
  namespace: NdNamespace | undefined;
  /** btt: the configured sector size (none chosen yet on a seed). */
  sectorSize: number | null = null;
  /** pfn/dax: where the memmap lives. */
  mode: 'none' | 'ram' | 'pmem' = 'none';
  align = 2097152n;

  constructor(
    readonly kind: SeedKind,
    readonly region: NdRegion,
    readonly instance: number,
  ) {
    this.name = `${kind}${region.id}.${instance}`;
    this.devtype = DEVTYPE[kind];
  }

  /** btt and pfn inherit the region's namespace type; nd_dax is always t7. */
  get modalias(): string {
    return modalias(this.kind === 'dax' ? ND_DEVICE.DAX_PMEM : this.region.nstype);
  }
}

function requireUnbound(dev: SeedDevice): void {
  if (dev.driver !== null) throw new KernelError('EBUSY');
}

/** nd_uuid_store(): EBUSY while bound, then uuid_parse(), shown back with %pUb. */
const uuidAttr = rw<SeedDevice>(
  'uuid',
  (d) => line(d.uuid ?? ''),
  (d, buf, count) => {
    requireUnbound(d);
    d.uuid = formatUuid(uuidParse(buf));
    return count;
  },
);

/** nd_namespace_store() (claim.c): attach a namespace of the same region, or detach with "". */
const namespaceAttr = rw<SeedDevice>(
  'namespace',
  (d) => line(d.namespace?.name ?? ''),
  (d, buf, count) => {
    requireUnbound(d);
    const name = buf.endsWith('\n') ? buf.slice(0, -1) : buf;
    if (name === '') {
      if (d.namespace) d.namespace.claim = undefined;
      d.namespace = undefined;
      return count;
    }
    if (!name.startsWith('namespace')) throw new KernelError('EINVAL');
    if (d.namespace) throw new KernelError('EBUSY');
    const found = d.region.namespaces.find((n) => n.name === name);
    if (!found) throw new KernelError('ENODEV');
    if (found.driver !== null || found.claim) throw new KernelError('EBUSY');
    if (found.size < 16n * 1024n * 1024n) throw new KernelError('ENXIO');
    found.claim = d;
    d.namespace = found;
    return count;
  },
);

const sizeAttr = ro<SeedDevice>('size', (d) => {
  if (d.driver === null) throw new KernelError('ENXIO');
  return line(d.namespace?.size ?? 0n);
});

const numaAttrs: DeviceAttribute<SeedDevice>[] = [
  ro('numa_node', (d) => line(d.region.spec.numaNode)),
  ro('target_node', (d) => line(d.region.spec.targetNode ?? -1)),
];

const bttGroup: AttributeGroup<SeedDevice> = {
  attrs: [
    rw(
      'sector_size',
      (d) => tokenList(BTT_SECTOR_SIZES.map((s) => (s === d.sectorSize ? `[${s}]` : String(s)))),
      (d, buf, count) => {
        requireUnbound(d);
        const v = Number(kstrtoull(buf));
        if (!BTT_SECTOR_SIZES.includes(v)) throw new KernelError('EINVAL');
        d.sectorSize = v;
        return count;
      },
    ),
    namespaceAttr,
    uuidAttr,
    sizeAttr,
    ro('log_zero_flags', () => 'Y\n'),
    ...numaAttrs,
  ],
};

const MODES = ['none', 'ram', 'pmem'] as const;

const pfnGroup: AttributeGroup<SeedDevice> = {
  attrs: [
    rw(
      'mode',
      (d) => line(d.mode),
      (d, buf, count) => {
        requireUnbound(d);
        const mode = MODES.find((m) => sysfsStreq(buf, m));
        if (!mode) throw new KernelError('EINVAL');
        d.mode = mode;
        return count;
      },
    ),
    rw(
      'align',
      (d) => line(d.align),
      (d, buf, count) => {
        requireUnbound(d);
        const v = kstrtoull(buf);
        if (!SUPPORTED_ALIGNMENTS.includes(v)) throw new KernelError('EINVAL');
        d.align = v;
        return count;
      },
    ),
    uuidAttr,
    namespaceAttr,
    ro('resource', (d) => {
      if (d.driver === null) throw new KernelError('ENXIO');
      return line(hexAlt(d.region.spec.spa));
    }, MODE.ADMIN_RO),
    sizeAttr,
    ro('supported_alignments', () => tokenList(SUPPORTED_ALIGNMENTS.map(String))),
    ...numaAttrs,
  ],
};

const visibility = (d: SeedDevice, attr: DeviceAttribute<SeedDevice>) => (attr.name === 'target_node' && d.region.spec.targetNode === null ? 0 : attr.mode);

export const SEED_ATTRIBUTE_GROUPS: Readonly<Record<SeedKind, readonly AttributeGroup<SeedDevice>[]>> = {
  btt: [{ ...bttGroup, isVisible: visibility }],
  pfn: [{ ...pfnGroup, isVisible: visibility }],
  dax: [{ ...pfnGroup, isVisible: visibility }],
};
