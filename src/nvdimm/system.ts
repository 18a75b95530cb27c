// The libnvdimm object model for a whole platform: buses, DIMMs, regions,
// namespaces and seeds with the kernel's naming and numbering, built the way
// the NFIT provider registers them at probe.
import type { Clock } from '../clock/clock.js';
import type { NfitPlatform } from '../platform/nfit-platform.js';
import type { Topology } from '../topology/schema.js';
import { NvdimmBus } from './bus.js';
import { Nvdimm } from './dimm.js';
import { NamespaceIo } from './namespace-io.js';
import { PmemDisk } from './pmem-disk.js';
import { NdRegion } from './region.js';
import { SeedDevice } from './seed-devices.js';
import type { NdDevice } from './device.js';
import { KernelError } from '../kernel/errno.js';

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
      this.buses.push(bus);
      // NFIT registers the DIMMs of a bus sorted by ascending device handle.
      const registered = pbus.dimms.filter((d) => d.spec.registered).sort((a, b) => a.handle - b.handle);
      for (const pdimm of registered) {
        const id = this.dimms.length;
        this.dimms.push(new Nvdimm(id, bus, pdimm, { major: topo.majors.dimmctl, minor: id }));
      }
      for (const spec of pbus.spec.regions) {
        const region = new NdRegion(this.regions.length, bus, spec, (handle) => this.dimmOn(bus, handle));
        this.regions.push(region);
      }
    }
    for (const region of this.regions) this.probeRegion(region);
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

  private probe(dev: NdDevice, driver: NdDriverName): void {
    if (dev instanceof NdRegion) {
      this.probeRegion(dev);
      this.attachDisks([dev.id]);
    } else if (dev instanceof NamespaceIo) {
      dev.driver = driver;
      this.attachDisks([dev.region.id]);
    } else if (dev instanceof SeedDevice) {
      // An unclaimed btt/pfn/dax seed fails its probe (-ENODEV).
      throw new KernelError('ENODEV');
    } else dev.driver = driver;
    this.generation += 1;
  }

  /** device_release_driver(): a region takes its namespaces and seeds with it. */
  private release(dev: NdDevice): void {
    if (dev instanceof NdRegion) {
      for (const ns of dev.namespaces) ns.disk = undefined;
      dev.namespaces = [];
      dev.seeds = [];
      for (const m of dev.mappings) m.dimm.busy -= 1;
    }
    if (dev instanceof NamespaceIo) dev.disk = undefined;
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
   * nd_region_probe(): the region driver binds, its DIMMs become busy, the
   * label-less namespace and the btt/pfn/dax seeds appear, and nd_pmem
   * binds the namespace.
   */
  private probeRegion(region: NdRegion): void {
    region.driver = 'nd_region';
    for (const m of region.mappings) m.dimm.busy += 1;
    const ns = new NamespaceIo(region, 0);
    region.namespaces = [ns];
    region.seeds = (['btt', 'pfn', 'dax'] as const).map((kind) => new SeedDevice(kind, region, 0));
    ns.driver = 'nd_pmem';
    this.generation += 1;
  }

  /**
   * Block devices register as nd_pmem probes finish, asynchronously; the
   * topology records the order a real boot showed, which decides the
   * block minors and diskseq numbers.
   */
  private attachDisks(regionOrder: readonly number[]): void {
    for (const id of regionOrder) {
      const region = this.regions[id];
      const ns = region?.namespaces[0];
      if (!region || !ns || ns.driver === null || ns.disk) continue;
      const name = ns.nsid === 0 ? `pmem${region.id}` : `pmem${region.id}.${ns.nsid}`;
      ns.disk = new PmemDisk(name, { major: this.majors.block, minor: this.freeBlockMinor() }, this.nextDiskseq++, ns.size, region);
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
