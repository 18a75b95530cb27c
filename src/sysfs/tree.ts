// Assemble the fake root from the libnvdimm model: /sys/devices (bus
// parents, buses, DIMMs, regions, namespaces, btt/pfn/dax devices, disks,
// device-dax instances), /sys/bus/nd, /sys/bus/dax, /sys/class/nd,
// /sys/dev/{char,block}, /sys/block and /dev.
import { BUS_ATTRIBUTE_GROUPS, type NvdimmBus } from '../nvdimm/bus.js';
import { DIMM_ATTRIBUTE_GROUPS } from '../nvdimm/dimm.js';
import { NAMESPACE_IO_ATTRIBUTE_GROUPS } from '../nvdimm/namespace-io.js';
import { NAMESPACE_PMEM_ATTRIBUTE_GROUPS, NamespacePmem } from '../nvdimm/namespace-pmem.js';
import { REGION_ATTRIBUTE_GROUPS, type NdRegion } from '../nvdimm/region.js';
import { BTT_ATTRIBUTE_GROUPS, NdBtt } from '../nvdimm/nd-btt.js';
import type { NdClaimDevice } from '../nvdimm/nd-claim-device.js';
import { NdDax, NdPfn, PFN_ATTRIBUTE_GROUPS } from '../nvdimm/nd-pfn.js';
import type { PmemDisk } from '../nvdimm/pmem-disk.js';
import type { NvdimmSystem } from '../nvdimm/system.js';
import { constFile } from './attr-file.js';
import { gendiskDir } from './gendisk.js';
import { buildDaxBusType } from './dax-bus-type.js';
import { addDaxRegion } from './dax-device-dir.js';
import { buildNdBusType } from './nd-bus-type.js';
import { addModules } from './modules.js';
import { ndDeviceDir } from './nd-device-dir.js';
import { ueventFile } from './uevent.js';
import { dir, mkdirp, put, relLink, type DirNode } from './node.js';
import { buildParent } from './parents.js';

/** devtmpfs nodes (control devices, dax and pmem disks) as the capture shows them without udev: 0600 root:root. */
const DEVNODE_MODE = 0o600;

class TreeBuilder {
  readonly root = dir();
  /** nd-bus device name → its directory, for /sys/bus/nd/devices and drivers. */
  readonly devicePaths = new Map<string, string>();
  /** device-dax instance name → its directory, for /sys/bus/dax. */
  readonly daxPaths = new Map<string, string>();

  constructor(private readonly system: NvdimmSystem) {
    mkdirp(this.root, '/sys/class/nd');
    mkdirp(this.root, '/sys/dev/char');
    mkdirp(this.root, '/dev');
  }

  build(): DirNode {
    for (const bus of this.system.buses) this.bus(bus, buildParent(this.root, bus.platform));
    buildNdBusType(this.root, this.system, this.devicePaths);
    buildDaxBusType(this.root, this.system, this.daxPaths);
    addModules(this.root, this.system);
    return this.root;
  }

  private bus(bus: NvdimmBus, parent: string): void {
    const path = `${parent}/${bus.name}`;
    this.devicePaths.set(bus.name, path);
    ndDeviceDir(this.root, path, bus, BUS_ATTRIBUTE_GROUPS, false);
    this.ctlDevice(bus, path);
    for (const dimm of this.system.dimmsOf(bus)) {
      const dpath = `${path}/${dimm.name}`;
      this.devicePaths.set(dimm.name, dpath);
      ndDeviceDir(this.root, dpath, dimm, DIMM_ATTRIBUTE_GROUPS);
      this.charDev(dimm.name, dimm.devt, dpath);
    }
    for (const region of this.system.regionsOf(bus)) this.region(region, `${path}/${region.name}`);
  }

  /** The ndctlN class device (drivers/nvdimm/bus.c nvdimm_bus_create_ndctl). */
  private ctlDevice(bus: NvdimmBus, busPath: string): void {
    const path = `${busPath}/nd/${bus.ctlName}`;
    const d = dir();
    put(this.root, path, d);
    const devt = bus.ctlDevt;
    d.entries.set('dev', constFile(`${devt.major}:${devt.minor}\n`));
    relLink(this.root, `${path}/device`, busPath);
    relLink(this.root, `${path}/subsystem`, '/sys/class/nd');
    d.entries.set('uevent', ueventFile(bus, (b) => `MAJOR=${devt.major}\nMINOR=${devt.minor}\nDEVNAME=${b.ctlName}\n`));
    relLink(this.root, `/sys/class/nd/${bus.ctlName}`, path);
    this.charDev(bus.ctlName, devt, path);
  }

  private charDev(name: string, devt: { major: number; minor: number }, sysPath: string): void {
    relLink(this.root, `/sys/dev/char/${devt.major}:${devt.minor}`, sysPath);
    put(this.root, `/dev/${name}`, { kind: 'chr', mode: DEVNODE_MODE, devt });
  }

  private region(region: NdRegion, path: string): void {
    this.devicePaths.set(region.name, path);
    ndDeviceDir(this.root, path, region, REGION_ATTRIBUTE_GROUPS);
    for (const ns of region.namespaces) {
      const nspath = `${path}/${ns.name}`;
      this.devicePaths.set(ns.name, nspath);
      if (ns instanceof NamespacePmem) ndDeviceDir(this.root, nspath, ns, NAMESPACE_PMEM_ATTRIBUTE_GROUPS);
      else ndDeviceDir(this.root, nspath, ns, NAMESPACE_IO_ATTRIBUTE_GROUPS);
    }
    for (const dev of region.claimDevices) this.claimDevice(dev, `${path}/${dev.name}`);
    // A disk lives under the device nd_pmem bound: the namespace, or its pfn or btt.
    for (const ns of region.namespaces) if (ns.disk) this.disk(ns.disk, `${path}/${ns.disk.host.name}`);
  }

  private claimDevice(dev: NdClaimDevice, path: string): void {
    this.devicePaths.set(dev.name, path);
    if (dev instanceof NdBtt) {
      ndDeviceDir(this.root, path, dev, BTT_ATTRIBUTE_GROUPS);
      return;
    }
    if (dev instanceof NdPfn) {
      ndDeviceDir(this.root, path, dev, PFN_ATTRIBUTE_GROUPS);
      return;
    }
    if (!(dev instanceof NdDax)) return;
    const d = ndDeviceDir(this.root, path, dev, PFN_ATTRIBUTE_GROUPS);
    if (!dev.daxRegion) return;
    const daxPath = addDaxRegion(this.root, d, path, dev.daxRegion);
    const devDax = dev.daxRegion.devDax;
    if (!daxPath || !devDax) return;
    this.daxPaths.set(devDax.name, daxPath);
    this.charDev(devDax.name, devDax.devt, daxPath);
  }

  /** A gendisk registered under `hostPath`: its block/ entry and the block layer's links and node. */
  private disk(disk: PmemDisk, hostPath: string): void {
    const bpath = `${hostPath}/block/${disk.name}`;
    put(this.root, bpath, gendiskDir(disk));
    const devt = `${disk.devt.major}:${disk.devt.minor}`;
    relLink(this.root, `${bpath}/bdi`, `/sys/devices/virtual/bdi/${devt}`);
    relLink(this.root, `${bpath}/device`, hostPath);
    relLink(this.root, `${bpath}/subsystem`, '/sys/class/block');
    relLink(this.root, `/sys/block/${disk.name}`, bpath);
    put(this.root, `/dev/${disk.name}`, { kind: 'blk', mode: DEVNODE_MODE, devt: disk.devt });
    relLink(this.root, `/sys/class/block/${disk.name}`, bpath);
    relLink(this.root, `/sys/dev/block/${devt}`, bpath);
  }
}

export function buildTree(system: NvdimmSystem): DirNode {
  return new TreeBuilder(system).build();
}
