// The libnvdimm object model for a whole platform: buses, DIMMs, regions,
// namespaces and seeds with the kernel's naming and numbering, built the way
// the NFIT provider registers them at probe, and the driver core's bind and
// unbind on the nd bus.
import type { Clock } from '../clock/clock.js';
import { KernelError } from '../kernel/errno.js';
import type { NfitPlatform } from '../platform/nfit-platform.js';
import type { Topology } from '../topology/schema.js';
import { NvdimmBus } from './bus.js';
import type { NdDevice } from './device.js';
import { Nvdimm } from './dimm.js';
import { nvdimmProbe, nvdimmRemove } from './dimm-probe.js';
import type { NdNamespace } from './namespace-common.js';
import { NamespaceIo } from './namespace-io.js';
import { NamespacePmem } from './namespace-pmem.js';
import { pmemDiskName, pmemProbe } from './nd-pmem.js';
import { PmemDisk } from './pmem-disk.js';
import { NdRegion } from './region.js';
import { regionProbe, regionRemove } from './region-probe.js';
import { SeedDevice } from './seed-devices.js';

/** libnvdimm's drivers on the nd bus and the ND_DEVICE_* types each matches (bit N of its type mask). */
export const ND_DRIVERS = {
  nd_bus: { module: 'libnvdimm', types: [0], bindable: false },
  nvdimm: { module: 'libnvdimm', types: [1], bindable: true },
  nd_region: { module: 'libnvdimm', types: [2, 3], bindable: true },
  nd_pmem: { module: 'nd_pmem', types: [4, 5], bindable: true },
  dax_pmem: { module: 'dax_pmem', types: [7], bindable: true },
} as const;
export type NdDriverName = keyof typeof ND_DRIVERS;

/** Driver matching on the nd bus: bit N of the driver's type mask for a device of type nd:tN. */
export function driverMatches(driver: NdDriverName, dev: NdDevice): boolean {
  const type = Number(dev.modalias.slice('nd:t'.length));
  return (ND_DRIVERS[driver].types as readonly number[]).includes(type);
}

function isNamespace(dev: NdDevice): dev is NdNamespace {
  return dev instanceof NamespaceIo || dev instanceof NamespacePmem;
}

export class NvdimmSystem {
  readonly buses: NvdimmBus[] = [];
  readonly dimms: Nvdimm[] = [];
  readonly regions: NdRegion[] = [];
  /** Bumped on every change of the device tree's shape (bind, unbind, new devices). */
  generation = 0;
  private nextDiskseq = 1;

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
    this.attachDisks(topo.blockDeviceOrder ?? this.regions.map((r) => r.id));
  }

  /** Every device on the nd bus, in registration order. */
  devices(): NdDevice[] {
    const out: NdDevice[] = [...this.buses, ...this.dimms, ...this.regions];
    for (const r of this.regions) out.push(...r.namespaces, ...r.seeds);
    return out;
  }

  findDevice(name: string): NdDevice | undefined {
    return this.devices().find((d) => d.name === name);
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
      if (disks) this.attachDisks([dev.id]);
    } else if (isNamespace(dev)) {
      pmemProbe(dev);
      dev.driver = driver;
      if (disks) this.attachDisks([dev.region.id]);
      this.advanceSeeds(dev);
    } else if (dev instanceof SeedDevice) {
      // An unclaimed btt/pfn/dax seed fails its probe (-ENODEV).
      throw new KernelError('ENODEV');
    } else dev.driver = driver;
    this.generation += 1;
  }

  /**
   * nd_region_advance_seeds() after the namespace seed bound: a pmem region
   * publishes a new zero-sized seed (nd_region_create_ns_seed); an io
   * region never does.
   */
  private advanceSeeds(ns: NdNamespace): void {
    const region = ns.region;
    if (region.nsSeed !== ns || !(ns instanceof NamespacePmem)) return;
    const seed = new NamespacePmem(region, region.allocNamespaceId());
    region.namespaces.push(seed);
    region.nsSeed = seed;
    this.autoprobe(seed, 'nd_pmem', false);
  }

  /** device_release_driver() */
  private release(dev: NdDevice): void {
    if (dev instanceof NdRegion) regionRemove(dev);
    else if (dev instanceof Nvdimm) nvdimmRemove(dev);
    else if (isNamespace(dev)) dev.disk = undefined;
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
   * block minors and diskseq numbers.
   */
  private attachDisks(regionOrder: readonly number[]): void {
    for (const id of regionOrder) {
      const region = this.regions[id];
      if (!region) continue;
      for (const ns of region.namespaces) {
        if (ns.driver === null || ns.disk) continue;
        ns.disk = new PmemDisk(pmemDiskName(ns), { major: this.majors.block, minor: this.freeBlockMinor() }, this.nextDiskseq++, ns.size, region);
      }
    }
  }

  /** The block layer hands out the lowest free extended minor. */
  private freeBlockMinor(): number {
    const used = new Set(this.regions.flatMap((r) => r.namespaces.map((n) => n.disk?.devt.minor)));
    let minor = 0;
    while (used.has(minor)) minor += 1;
    return minor;
  }
}
