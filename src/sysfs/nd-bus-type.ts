// /sys/bus/nd: the driver core's files for the nd bus (drivers/nvdimm/bus.c
// nvdimm_bus_type); nd_bus suppresses bind attributes.
import { ND_DRIVERS, driverMatches, type NdDriverName, type NvdimmSystem } from '../nvdimm/system.js';
import { buildBusType, type BusTypeOps } from './bus-type.js';
import { ND_BUS_DIR } from './nd-device-dir.js';
import type { DirNode } from './node.js';

const ND_DRIVER_NAMES = Object.keys(ND_DRIVERS) as NdDriverName[];

export function buildNdBusType(root: DirNode, system: NvdimmSystem, devicePaths: ReadonlyMap<string, string>): void {
  const ops: BusTypeOps = {
    drivers: ND_DRIVER_NAMES.map((name) => ({ name, module: ND_DRIVERS[name].module, bindable: ND_DRIVERS[name].bindable })),
    devices: () => system.devices(),
    bind: (driver, name) => system.bind(driver as NdDriverName, name),
    unbind: (driver, name) => system.unbind(driver as NdDriverName, name),
    probe: (name) => {
      const dev = system.findDevice(name);
      const match = dev && ND_DRIVER_NAMES.find((drv) => ND_DRIVERS[drv].bindable && driverMatches(drv, dev));
      if (match) system.bind(match, name);
    },
  };
  buildBusType(root, ND_BUS_DIR, ops, devicePaths);
}
