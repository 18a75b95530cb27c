// The nd_pmem driver (drivers/nvdimm/pmem.c nd_pmem_probe,
// pmem_attach_disk; namespace_devs.c nvdimm_namespace_common_probe and
// nvdimm_namespace_disk_name; btt_devs.c nd_btt_probe, pfn_devs.c
// nd_pfn_probe, dax_devs.c nd_dax_probe): it binds raw namespaces, pfn
// devices (fsdax) and btt devices, each time registering a block device
// for the namespace's data. A raw namespace whose media holds a btt, pfn
// or dax info block is handed to a new device of that kind instead.
import { ERRNO, KernelError } from '../kernel/errno.js';
import { attachBtt, bttSectorSize, bttVersionFor, readBttInfo } from './btt-init.js';
import { attachNamespace, detachNamespace } from './claim.js';
import { allocClaimDevice } from './claim-device-alloc.js';
import type { NdDevice } from './device.js';
import type { NdNamespace } from './namespace-common.js';
import { NamespacePmem } from './namespace-pmem.js';
import { NdBtt } from './nd-btt.js';
import { NdClaimDevice } from './nd-claim-device.js';
import { NdPfn } from './nd-pfn.js';
import { ndPfnValidate, nvdimmSetupPfn, pfnDataRange } from './pfn-setup.js';
import { DAX_SIG, PFN_SIG } from './pfn-sb.js';

/** ND_MIN_NAMESPACE_SIZE (include/uapi/linux/ndctl.h): one page. */
const ND_MIN_NAMESPACE_SIZE = 4096n;
const SZ_16M = 16n * 1024n * 1024n;

/** A block device a successful nd_pmem probe registers. */
export interface DiskPlan {
  readonly ns: NdNamespace;
  /** The device the disk goes under: the one nd_pmem bound. */
  readonly host: NdDevice;
  readonly name: string;
  readonly bytes: bigint;
  /** pmem disks allocate a dax_device (fsdax); BTT disks do not. */
  readonly dax: boolean;
  /** Where the disk's first byte lies (SPA); undefined for a BTT. */
  readonly dataStart: bigint | undefined;
  readonly driver: 'pmem' | 'btt';
  readonly logicalBlockSize: number;
  readonly pfnMap: boolean;
}

/** pmem_sector_size(): 4096 when a pmem namespace's label says so, else 512. */
function pmemSectorSize(ns: NdNamespace): number {
  return ns instanceof NamespacePmem && ns.lbasize === 4096 ? 4096 : 512;
}

/** What a probe asks of the driver core. */
export interface DriverCore {
  /** nd_device_register(): the device joins its region and the driver core probes it. */
  register(dev: NdClaimDevice): void;
}

/**
 * nvdimm_namespace_common_probe(): the namespace behind `dev` (itself, or
 * the one a btt/pfn/dax device claimed) if it may be used now.
 */
export function namespaceCommonProbe(dev: NdNamespace | NdClaimDevice): NdNamespace {
  let ns: NdNamespace;
  if (dev instanceof NdClaimDevice) {
    if (!dev.ndns) throw new KernelError('ENODEV', 'no namespace claimed');
    ns = dev.ndns;
    // The raw personality of the namespace is active.
    if (ns.driver !== null) throw new KernelError('EBUSY');
    if (ns.claim !== dev) throw new KernelError('ENXIO');
  } else {
    ns = dev;
    if (ns.claim) throw new KernelError('ENXIO', `claimed by ${ns.claim.name}`);
  }
  // nvdimm_namespace_locked(): a DIMM whose label commands reported locked capacity.
  if (ns.region.mappings.some((m) => m.dimm.flags.locked)) throw new KernelError('EACCES');
  if (ns.size < ND_MIN_NAMESPACE_SIZE) throw new KernelError('ENODEV', 'too small');
  if (ns instanceof NamespacePmem && !ns.uuid) throw new KernelError('ENODEV', 'uuid not set');
  return ns;
}

/** nvdimm_namespace_disk_name(): pmemR, or pmemR.N for pmem namespace ids above 0; "s" for a BTT. */
export function pmemDiskName(ns: NdNamespace, btt = false): string {
  const id = ns instanceof NamespacePmem ? ns.id : 0;
  return `${id ? `pmem${ns.region.id}.${id}` : `pmem${ns.region.id}`}${btt ? 's' : ''}`;
}

/**
 * nd_btt_probe(): a raw namespace (not forced raw, claim class none or
 * btt) whose first arena info block is valid gets a btt device with that
 * block's uuid and sector size. 0 when one was registered.
 */
function ndBttProbe(ns: NdNamespace, core: DriverCore): number {
  if (ns.forceRaw) return -ERRNO.ENODEV;
  if (ns.claimClass !== 'none' && ns.claimClass !== 'btt' && ns.claimClass !== 'btt2') return -ERRNO.ENODEV;
  const btt = allocClaimDevice(ns.region, 'btt');
  attachNamespace(btt, ns);
  const sb = ns.size < SZ_16M ? -ERRNO.ENXIO : readBttInfo(ns, bttVersionFor(ns));
  if (typeof sb === 'number') {
    detachNamespace(btt);
    ns.region.freeClaimId('btt', btt.id);
    return sb;
  }
  btt.lbasize = BigInt(sb.externalLbasize);
  btt.uuid = Buffer.from(sb.uuid);
  core.register(btt);
  return 0;
}

/**
 * nd_pfn_probe() and nd_dax_probe(): a raw namespace (not forced raw,
 * claim class none or the device's) whose info block carries the kind's
 * signature gets a device configured from it. 0 when one was registered.
 */
function ndPfnProbe(ns: NdNamespace, kind: 'pfn' | 'dax', core: DriverCore): number {
  if (ns.forceRaw) return -ERRNO.ENODEV;
  if (ns.claimClass !== 'none' && ns.claimClass !== kind) return -ERRNO.ENODEV;
  const dev = allocClaimDevice(ns.region, kind);
  attachNamespace(dev, ns);
  const rc = ndPfnValidate(dev, kind === 'dax' ? DAX_SIG : PFN_SIG);
  if (rc < 0) {
    detachNamespace(dev);
    ns.region.freeClaimId(kind, dev.id);
    return rc;
  }
  core.register(dev);
  return 0;
}

/**
 * nd_pmem_probe(): a btt device attaches its BTT; a pfn device its info
 * block; a raw namespace first looks for a personality's info block (the
 * namespace bind then fails ENXIO, a bad pfn/dax block EOPNOTSUPP) and
 * otherwise is attached as is. Returns the block device to register.
 */
export function ndPmemProbe(dev: NdNamespace | NdBtt | NdPfn, core: DriverCore): DiskPlan {
  const ns = namespaceCommonProbe(dev);
  if (dev instanceof NdBtt) {
    const rc = attachBtt(dev, ns);
    if (rc) throw KernelError.fromErrno(-rc);
    return { ns, host: dev, name: pmemDiskName(ns, true), bytes: dev.size ?? 0n, dax: false, dataStart: undefined, driver: 'btt', logicalBlockSize: Number(bttSectorSize(dev)), pfnMap: false };
  }
  if (dev instanceof NdPfn) {
    const rc = nvdimmSetupPfn(dev);
    if (rc || !dev.sb) throw KernelError.fromErrno(rc ? -rc : ERRNO.ENXIO);
    const range = pfnDataRange(dev.sb, ns);
    return { ns, host: dev, name: pmemDiskName(ns), bytes: range.size, dax: true, dataStart: range.start, driver: 'pmem', logicalBlockSize: pmemSectorSize(ns), pfnMap: true };
  }
  if (ndBttProbe(ns, core) === 0) throw new KernelError('ENXIO', `claimed by a btt`);
  for (const kind of ['pfn', 'dax'] as const) {
    const rc = ndPfnProbe(ns, kind, core);
    if (rc === 0) throw new KernelError('ENXIO', `claimed by a ${kind} device`);
    // A valid block the kernel cannot use: the bind fails, yet counts as probed.
    if (rc === -ERRNO.EOPNOTSUPP) throw new KernelError('EOPNOTSUPP');
  }
  return { ns, host: ns, name: pmemDiskName(ns), bytes: ns.size, dax: true, dataStart: ns.start, driver: 'pmem', logicalBlockSize: pmemSectorSize(ns), pfnMap: false };
}
