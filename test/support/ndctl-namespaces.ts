// ndctl 76.1's create-namespace and destroy-namespace -f, as the sysfs
// writes and binds they make (ndctl/namespace.c setup_namespace,
// namespace_prep_reconfig, zero_info_block, namespace_destroy;
// lib/libndctl.c ndctl_*_enable, ndctl_*_delete,
// ndctl_namespace_disable_safe), driven on the in-process vfs. Every write
// is the value plus its NUL, as util/sysfs.c write_attr() does it. Where
// ndctl opens /dev/pmemN, the model's disk is read and written instead.
import { posix } from 'node:path';
import { isKernelError } from '../../src/kernel/errno.js';
import type { NvdimmSystem } from '../../src/nvdimm/system.js';
import type { SysfsVfs } from '../../src/sysfs/vfs.js';

const O_RDONLY = 0;
const O_WRONLY = 1;
/** zero_info_block()'s info_size */
const INFO_SIZE = 8192;

export type NamespaceMode = 'fsdax' | 'devdax' | 'sector' | 'raw';

/** ndctl's holder_class value for each mode (enforce_id_to_name). */
const HOLDER_CLASS: Record<NamespaceMode, string> = { fsdax: 'pfn', devdax: 'dax', sector: 'btt', raw: '' };

export class NdctlSession {
  constructor(
    readonly system: NvdimmSystem,
    readonly vfs: SysfsVfs,
  ) {}

  /** write_attr(): the string and its NUL; 0 or the errno. */
  write(path: string, value: string): number {
    try {
      const h = this.vfs.open(path, O_WRONLY);
      try {
        this.vfs.write(h, Buffer.from(`${value}\0`, 'latin1'));
      } finally {
        this.vfs.release(h);
      }
      return 0;
    } catch (e) {
      if (isKernelError(e)) return e.errno;
      throw e;
    }
  }

  read(path: string): string {
    const h = this.vfs.open(path, O_RDONLY);
    try {
      return this.vfs.read(h, 4096, 0).toString('latin1').replace(/\n$/, '');
    } finally {
      this.vfs.release(h);
    }
  }

  /** is_enabled(): `<dev>/driver` is a symlink. */
  isEnabled(devPath: string): boolean {
    return this.vfs.readdir(devPath).includes('driver');
  }

  /** util_bind(): try each nd driver's bind, in readdir order, until one takes the device. */
  bind(devname: string): boolean {
    for (const driver of this.vfs.readdir('/sys/bus/nd/drivers')) {
      if (!this.vfs.readdir(`/sys/bus/nd/drivers/${driver}`).includes('bind')) continue;
      if (this.write(`/sys/bus/nd/drivers/${driver}/bind`, devname) === 0) return true;
    }
    return false;
  }

  /** util_unbind(): the device's name into `<dev>/driver/unbind` (the vfs does not follow links: resolve it). */
  unbind(devPath: string): void {
    if (!this.isEnabled(devPath)) return;
    const driver = posix.basename(this.vfs.readlink(`${devPath}/driver`));
    this.write(`/sys/bus/nd/drivers/${driver}/unbind`, posix.basename(devPath));
  }

  /**
   * create-namespace -r <region> -m <mode>: the idle namespace 0 or the
   * seed gets uuid, alt_name, size (max_available_extent unless given) and
   * holder_class; the mode's seed device gets its settings and the
   * namespace, then is enabled. Returns the namespace's path, or the errno
   * of the first refused step.
   */
  createNamespace(regionPath: string, mode: NamespaceMode, nsUuid: string, devUuid: string, size?: bigint): string | number {
    const region = posix.basename(regionPath);
    const ns0 = `${regionPath}/namespace${region.slice('region'.length)}.0`;
    const nsPath = this.vfs.readdir(regionPath).includes(posix.basename(ns0)) && this.read(`${ns0}/size`) === '0' ? ns0 : `${regionPath}/${this.read(`${regionPath}/namespace_seed`)}`;
    const bytes = size ?? BigInt(this.read(`${regionPath}/max_available_extent`));
    // validate_namespace_options(): 512 by default, 4096 for sector mode (parse_namespace_options()).
    const sectorSize = mode === 'sector' ? '4096\n' : '512\n';
    for (const [attr, value] of [
      ['uuid', nsUuid],
      ['alt_name', ''],
      ['size', `0x${bytes.toString(16)}\n`],
      ['sector_size', sectorSize],
    ] as const) {
      const rc = this.write(`${nsPath}/${attr}`, value);
      if (rc) return rc;
    }
    // ndctl_namespace_set_enforce_mode() is not error checked.
    this.write(`${nsPath}/holder_class`, HOLDER_CLASS[mode]);
    if (mode === 'raw') return this.bind(posix.basename(nsPath)) ? nsPath : -1;
    const seedAttr = { fsdax: 'pfn_seed', devdax: 'dax_seed', sector: 'btt_seed' }[mode];
    const dev = `${regionPath}/${this.read(`${regionPath}/${seedAttr}`)}`;
    const settings: Array<[string, string]> =
      mode === 'sector'
        ? [
            ['uuid', devUuid],
            ['sector_size', sectorSize],
          ]
        : [
            ['uuid', devUuid],
            ['mode', 'pmem'],
            ['align', '2097152\n'],
          ];
    for (const [attr, value] of [...settings, ['namespace', posix.basename(nsPath)]] as const) {
      const rc = this.write(`${dev}/${attr}`, value);
      if (rc) return rc;
    }
    return this.bind(posix.basename(dev)) && this.isEnabled(dev) ? nsPath : -1;
  }

  /** The btt/pfn/dax device holding a namespace, by its holder attribute. */
  holderPath(nsPath: string): string | undefined {
    const holder = this.read(`${nsPath}/holder`);
    return holder ? `${posix.dirname(nsPath)}/${holder}` : undefined;
  }

  /**
   * ndctl_namespace_disable_invalidate(): unbind the holder and give its
   * namespace back (ndctl_{btt,pfn,dax}_delete), then unbind the namespace.
   */
  disableInvalidate(nsPath: string): void {
    const holder = this.holderPath(nsPath);
    if (holder) {
      this.unbind(holder);
      this.write(`${holder}/namespace`, '\n');
    }
    this.unbind(nsPath);
  }

  /** The block device of the enabled namespace (or its holder), as the model has it. */
  private disk(nsPath: string) {
    const name = posix.basename(nsPath);
    for (const r of this.system.regions) for (const ns of r.namespaces) if (ns.name === name) return ns.disk;
    return undefined;
  }

  /**
   * zero_info_block(): enable the namespace raw, read its first 8 KiB and
   * zero them unless they are zero already. 0 when it zeroed, 1 when it
   * skipped.
   */
  zeroInfoBlock(nsPath: string): number {
    this.write(`${nsPath}/force_raw`, '1\n');
    let rc = 1;
    if (this.bind(posix.basename(nsPath)) || this.isEnabled(nsPath)) {
      const disk = this.disk(nsPath);
      const data = disk?.read(0n, INFO_SIZE);
      if (disk && data && data.some((b) => b !== 0)) rc = disk.write(0n, Buffer.alloc(INFO_SIZE)) === INFO_SIZE ? 0 : -1;
    }
    this.write(`${nsPath}/force_raw`, '0\n');
    this.disableInvalidate(nsPath);
    return rc;
  }

  /**
   * destroy-namespace -f <ns>: refused on a read-only region; otherwise
   * disable (holder first), holder_class "", zero the info block, and for
   * a labelled namespace set size 0. Returns 0 when counted as destroyed,
   * 1 when skipped, or the errno.
   */
  destroyNamespace(nsPath: string): number {
    const regionPath = posix.dirname(nsPath);
    if (this.read(`${regionPath}/read_only`) === '1') return 6;
    this.disableInvalidate(nsPath);
    this.write(`${nsPath}/holder_class`, '');
    const zeroed = this.zeroInfoBlock(nsPath);
    if (zeroed < 0) return -zeroed;
    if (this.read(`${nsPath}/nstype`) !== '5') return zeroed;
    // namespace_set_size(ndns, 0): "%#llx\n" of zero is "0\n"; ENXIO (already deleted) is fine.
    const rc = this.write(`${nsPath}/size`, '0\n');
    return rc && rc !== 6 ? rc : 0;
  }
}
