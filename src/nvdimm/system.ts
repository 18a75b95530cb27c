// The libnvdimm object model for a whole platform: buses, DIMMs, regions,
// namespaces and their btt/pfn/dax devices with the kernel's naming and
// numbering, built the way the NFIT provider registers them at probe, and
// the driver core's bind and unbind on the nd bus and the dax bus.
import type { Clock } from '../clock/clock.js';
import { ERRNO, KernelError } from '../kernel/errno.js';
import type { NfitPlatform } from '../platform/nfit-platform.js';
import type { Topology } from '../topology/schema.js';
import { NvdimmBus } from './bus.js';
import { daxPmemProbe } from './dax-pmem.js';
import type { DevDax } from './dax-region.js';
import type { NdDevice } from './device.js';
import { Nvdimm } from './dimm.js';
import { nvdimmProbe, nvdimmRemove } from './dimm-probe.js';
import type { NdNamespace } from './namespace-common.js';
import { NamespaceIo } from './namespace-io.js';
import { NamespacePmem } from './namespace-pmem.js';
import { NdBtt } from './nd-btt.js';
import { NdClaimDevice } from './nd-claim-device.js';
import { NdDax, NdPfn } from './nd-pfn.js';
import { ndPmemProbe, type DiskPlan, type DriverCore } from './nd-pmem.js';
import { PmemDisk } from './pmem-disk.js';
import { NdRegion } from './region.js';
import { regionProbe, regionRemove } from './region-probe.js';
import { advanceSeeds } from './region-seeds.js';

/** libnvdimm's drivers on the nd bus and the ND_DEVICE_* types each matches (bit N of its type mask). */
export const ND_DRIVERS = {
  nd_bus: { module: 'libnvdimm', types: [0], bindable: false },
  nvdimm: { module: 'libnvdimm', types: [1], bindable: true },
  nd_region: { module: 'libnvdimm', types: [2, 3], bindable: true },
  nd_pmem: { module: 'nd_pmem', types: [4, 5], bindable: true },
  dax_pmem: { module: 'dax_pmem', types: [7], bindable: true },
} as const;
export type NdDriverName = keyof typeof ND_DRIVERS;

/** Drivers on the dax bus, in registration order; device_dax matches every device (match_always). */
export const DAX_DRIVERS = {
  device_dax: { module: 'device_dax', matchAlways: true },
  kmem: { module: 'kmem', matchAlways: false },
} as const;
export type DaxDriverName = keyof typeof DAX_DRIVERS;

/** Driver matching on the nd bus: bit N of the driver's type mask for a device of type nd:tN. */
export function driverMatches(driver: NdDriverName, dev: NdDevice): boolean {
  const type = Number(dev.modalias.slice('nd:t'.length));
  return (ND_DRIVERS[driver].types as readonly number[]).includes(type);
}

function isNamespace(dev: NdDevice): dev is NdNamespace {
  return dev instanceof NamespaceIo || dev instanceof NamespacePmem;
}

export class NvdimmSystem implements DriverCore {
  readonly buses: NvdimmBus[] = [];
  readonly dimms: Nvdimm[] = [];
  readonly regions: NdRegion[] = [];
  /** Bumped on every change of the device tree's shape (bind, unbind, new devices). */
  generation = 0;
  private nextDiskseq = 1;
  /** Block devices of finished nd_pmem probes, not registered yet (see flushDisks). */
  private pendingDisks: DiskPlan[] = [];
  /** dax_minor_ida (drivers/dax/super.c): fsdax pmem disks and device-dax instances. */
  private readonly daxMinors = new Set<number>();
  /** The dax bus drivers' id lists (new_id / remove_id). */
  readonly daxIds: Record<DaxDriverName, Set<string>> = { device_dax: new Set(), kmem: new Set() };

  constructor(
    readonly platform: NfitPlatform,
    readonly clock: Clock,
  ) {
    const topo = platform.topology;
    for (const pbus of platform.buses) {
      const bus = new NvdimmBus(this.buses.length, pbus, { major: topo.majors.ndctl, minor: this.buses.length }, clock);
      bus.changed = () => {
        this.generation += 1;
      };
      this.buses.push(bus);
      // NFIT registers the DIMMs of a bus sorted by ascending device handle.
      const registered = pbus.dimms.filter((d) => d.spec.registered).sort((a, b) => a.handle - b.handle);
      for (const pdimm of registered) {
        const id = this.dimms.length;
        const dimm = new Nvdimm(id, bus, pdimm, { major: topo.majors.dimmctl, minor: id });
        this.dimms.push(dimm);
        // The nvdimm driver probes each DIMM as it registers; a failed probe leaves it unbound.
        this.autoprobe(dimm, 'nvdimm');
      }
      for (const spec of pbus.spec.regions) {
        const region = new NdRegion(this.regions.length, bus, spec, (handle) => this.dimmOn(bus, handle));
        this.regions.push(region);
        bus.regions.push(region);
      }
    }
    // Regions register once the DIMMs have probed (nvdimm_bus_check_dimm_count).
    for (const region of this.regions) this.autoprobe(region, 'nd_region', false);
    this.flushDisks(topo.blockDeviceOrder ?? this.regions.map((r) => r.id));
  }

  /** Every device on the nd bus, in registration order. */
  devices(): NdDevice[] {
    const out: NdDevice[] = [...this.buses, ...this.dimms, ...this.regions];
    for (const r of this.regions) out.push(...r.namespaces, ...r.claimDevices);
    return out;
  }

  findDevice(name: string): NdDevice | undefined {
    return this.devices().find((d) => d.name === name);
  }

  /** Every device-dax instance on the dax bus. */
  daxDevices(): DevDax[] {
    const out: DevDax[] = [];
    for (const r of this.regions) for (const d of r.claimDevices) if (d instanceof NdDax && d.daxRegion?.devDax) out.push(d.daxRegion.devDax);
    return out;
  }

  /** drivers/base/bus.c bind_store(): find the device, match the driver, probe. */
  bind(driver: NdDriverName, name: string): void {
    const dev = this.findDevice(name);
    if (!dev || !driverMatches(driver, dev)) throw new KernelError('ENODEV');
    if (dev.driver !== null) throw new KernelError('EBUSY');
    this.probe(dev, driver);
  }

  /** unbind_store(): the device must be bound to this driver. */
  unbind(driver: NdDriverName, name: string): void {
    const dev = this.findDevice(name);
    if (!dev || dev.driver !== driver) throw new KernelError('ENODEV');
    this.release(dev);
  }

  /** nd_device_register() of a device a probe created: it joins its region, then the driver core probes it. */
  register(dev: NdClaimDevice): void {
    dev.region.addClaimDevice(dev);
    this.probeNew(dev);
  }

  /** ida_alloc_max(&dax_minor_ida): the lowest free minor of the dax char major. */
  allocDaxMinor(): number {
    let minor = 0;
    while (this.daxMinors.has(minor)) minor += 1;
    this.daxMinors.add(minor);
    return minor;
  }

  /** device_add() → bus_probe_device(): the first matching driver whose probe succeeds binds. */
  private probeNew(dev: NdDevice): void {
    const driver = (Object.keys(ND_DRIVERS) as NdDriverName[]).find((drv) => ND_DRIVERS[drv].bindable && driverMatches(drv, dev));
    if (driver) this.autoprobe(dev, driver);
  }

  /** A probe the driver core starts by itself (device or driver registration): failures stay quiet. */
  private autoprobe(dev: NdDevice, driver: NdDriverName, disks = true): void {
    try {
      this.probe(dev, driver, disks);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }

  /**
   * nvdimm_bus_probe(): run the driver's probe; on success (or EOPNOTSUPP)
   * a probed child of a region advances the region's seeds.
   */
  private probe(dev: NdDevice, driver: NdDriverName, disks = true): void {
    if (dev instanceof Nvdimm) {
      const rc = nvdimmProbe(dev);
      if (rc < 0) throw KernelError.fromErrno(-rc);
      dev.driver = driver;
    } else if (dev instanceof NdRegion) {
      regionProbe(dev);
      dev.driver = driver;
      // The new namespaces and seeds register and are probed in turn.
      for (const ns of [...dev.namespaces]) this.autoprobe(ns, 'nd_pmem', false);
      if (disks) this.flushDisks([dev.id]);
    } else if (driver === 'nd_pmem' && (isNamespace(dev) || dev instanceof NdPfn || dev instanceof NdBtt)) {
      let plan: DiskPlan;
      try {
        plan = ndPmemProbe(dev, this);
      } catch (e) {
        if (e instanceof KernelError && e.errno === ERRNO.EOPNOTSUPP) this.advanceSeeds(dev);
        throw e;
      }
      dev.driver = driver;
      this.pendingDisks.push(plan);
      if (disks) this.flushDisks([plan.ns.region.id]);
      this.advanceSeeds(dev);
    } else if (driver === 'dax_pmem' && dev instanceof NdDax) {
      dev.daxRegion = daxPmemProbe(dev, this);
      dev.driver = driver;
      const devDax = dev.daxRegion.devDax;
      // The instance registers on the dax bus, where device_dax (match_always) takes it.
      if (devDax) devDax.driver = 'device_dax';
      this.advanceSeeds(dev);
    } else {
      // Nothing else on the nd bus has a probe that can bind (nd_bus is bound from the start).
      throw new KernelError('ENODEV');
    }
    this.generation += 1;
  }

  /** nd_region_advance_seeds() for a child of a region, and the probes of the seeds it creates. */
  private advanceSeeds(dev: NamespaceIo | NamespacePmem | NdClaimDevice): void {
    for (const seed of advanceSeeds(dev.region, dev)) this.probeNew(seed);
  }

  /** device_release_driver(): the driver's remove, then its devres. */
  private release(dev: NdDevice): void {
    if (dev instanceof NdRegion) {
      // nd_region_remove() unregisters every child; their drivers let go first.
      for (const child of [...dev.claimDevices, ...dev.namespaces]) if (child.driver !== null) this.release(child);
      regionRemove(dev);
    } else if (dev instanceof Nvdimm) nvdimmRemove(dev);
    else if (isNamespace(dev) || dev instanceof NdPfn || dev instanceof NdBtt) this.releaseDisk(dev);
    else if (dev instanceof NdDax) this.releaseDaxRegion(dev);
    dev.driver = null;
    this.generation += 1;
  }

  /** nd_pmem's devres: the block device (and its dax_device) go; a pfn forgets its info block, a btt its size. */
  private releaseDisk(dev: NdNamespace | NdPfn | NdBtt): void {
    const ns = isNamespace(dev) ? dev : dev.ndns;
    if (ns?.disk && ns.disk.host === dev) {
      if (ns.disk.daxMinor !== undefined) this.daxMinors.delete(ns.disk.daxMinor);
      ns.disk = undefined;
    }
    this.pendingDisks = this.pendingDisks.filter((p) => p.host !== dev);
    if (dev instanceof NdPfn) dev.sb = undefined;
    if (dev instanceof NdBtt) dev.size = undefined;
  }

  /** dax_pmem's devres: unregister_dev_dax() (the instance leaves its driver), then the dax_region group. */
  private releaseDaxRegion(dax: NdDax): void {
    const devDax = dax.daxRegion?.devDax;
    if (devDax) this.daxMinors.delete(devDax.devt.minor);
    dax.daxRegion = undefined;
    dax.sb = undefined;
  }

  /** The dax bus's bind_store()/unbind_store() for a device-dax instance. */
  daxBind(driver: DaxDriverName, name: string): void {
    const dev = this.daxDevices().find((d) => d.name === name);
    // dax_bus_match(): device_dax takes anything, kmem only the ids given to new_id.
    if (!dev || !(DAX_DRIVERS[driver].matchAlways || this.daxIds[driver].has(name))) throw new KernelError('ENODEV');
    if (dev.driver !== null) throw new KernelError('EBUSY');
    // dev_dax_kmem_probe() would hot-add the range as System RAM: ndsim has no memory blocks to add it to.
    if (driver === 'kmem') throw new KernelError('EOPNOTSUPP', 'kmem is not modelled');
    dev.driver = driver;
    this.generation += 1;
  }

  daxUnbind(driver: DaxDriverName, name: string): void {
    const dev = this.daxDevices().find((d) => d.name === name);
    if (!dev || dev.driver !== driver) throw new KernelError('ENODEV');
    dev.driver = null;
    this.generation += 1;
  }

  get majors(): Topology['majors'] {
    return this.platform.topology.majors;
  }

  dimmsOf(bus: NvdimmBus): Nvdimm[] {
    return this.dimms.filter((d) => d.bus === bus);
  }

  regionsOf(bus: NvdimmBus): NdRegion[] {
    return this.regions.filter((r) => r.bus === bus);
  }

  private dimmOn(bus: NvdimmBus, handle: number): Nvdimm {
    const dimm = this.dimms.find((d) => d.bus === bus && d.spec.handle === handle);
    if (!dimm) throw new Error(`region maps DIMM handle ${handle}, which is not registered on ${bus.name}`);
    return dimm;
  }

  /**
   * Block devices register as nd_pmem probes finish, asynchronously; the
   * topology records the order a real boot showed, which decides the
   * block minors, diskseq numbers and dax minors. Disks of regions not in
   * `regionOrder` stay pending.
   */
  private flushDisks(regionOrder: readonly number[]): void {
    if (this.pendingDisks.length === 0) return;
    // One pass over the pending disks and the used minors, not one per
    // region: a boot registers every region's disk at once.
    const byRegion = new Map<number, DiskPlan[]>();
    for (const p of this.pendingDisks) {
      const list = byRegion.get(p.ns.region.id);
      if (list) list.push(p);
      else byRegion.set(p.ns.region.id, [p]);
    }
    const used = new Set(this.regions.flatMap((r) => r.namespaces.flatMap((n) => (n.disk ? [n.disk.devt.minor] : []))));
    let lowest = 0;
    const freeBlockMinor = () => {
      // The block layer hands out the lowest free extended minor.
      while (used.has(lowest)) lowest += 1;
      used.add(lowest);
      return lowest;
    };
    for (const id of regionOrder) {
      for (const plan of byRegion.get(id) ?? []) {
        const devt = { major: this.majors.block, minor: freeBlockMinor() };
        const daxMinor = plan.dax ? this.allocDaxMinor() : undefined;
        plan.ns.disk = new PmemDisk({ ...plan, devt, diskseq: this.nextDiskseq++, region: plan.ns.region, daxMinor });
      }
      byRegion.delete(id);
    }
    this.pendingDisks = [...byRegion.values()].flat();
  }
}
