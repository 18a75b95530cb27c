// /sys/bus/nd: the bus type's own files and its drivers (drivers/base/bus.c,
// drivers/nvdimm/bus.c). nd_bus suppresses bind attributes.
import { KernelError } from '../kernel/errno.js';
import { kstrtobool } from '../kernel/parse.js';
import { ND_DRIVERS, driverMatches, type NdDriverName, type NvdimmSystem } from '../nvdimm/system.js';
import { attrFile } from './attr-file.js';
import { checkUeventAction } from './uevent.js';
import { ND_BUS_DIR } from './nd-device-dir.js';
import { mkdirp, relLink, type DirNode } from './node.js';

function deviceName(buf: string): string {
  return buf.endsWith('\n') ? buf.slice(0, -1) : buf;
}

interface Autoprobe {
  enabled: boolean;
}

export function buildNdBusType(root: DirNode, system: NvdimmSystem, devicePaths: ReadonlyMap<string, string>): void {
  const busDir = mkdirp(root, ND_BUS_DIR);
  mkdirp(root, `${ND_BUS_DIR}/devices`);
  for (const [name, path] of devicePaths) relLink(root, `${ND_BUS_DIR}/devices/${name}`, path);

  const uevent = attrFile(system, 0o200, undefined, (_s, buf, count) => {
    checkUeventAction(buf);
    return count;
  });

  for (const driver of Object.keys(ND_DRIVERS) as NdDriverName[]) {
    const info = ND_DRIVERS[driver];
    const dpath = `${ND_BUS_DIR}/drivers/${driver}`;
    const d = mkdirp(root, dpath);
    relLink(root, `${dpath}/module`, `/sys/module/${info.module}`);
    d.entries.set('uevent', uevent);
    if (info.bindable) {
      d.entries.set(
        'bind',
        attrFile(system, 0o200, undefined, (s, buf, count) => {
          s.bind(driver, deviceName(buf));
          return count;
        }),
      );
      d.entries.set(
        'unbind',
        attrFile(system, 0o200, undefined, (s, buf, count) => {
          s.unbind(driver, deviceName(buf));
          return count;
        }),
      );
    }
    for (const dev of system.devices()) {
      const path = devicePaths.get(dev.name);
      if (dev.driver === driver && path) relLink(root, `${dpath}/${dev.name}`, path);
    }
  }

  const autoprobe: Autoprobe = { enabled: true };
  busDir.entries.set(
    'drivers_autoprobe',
    attrFile(autoprobe, 0o644, (a) => (a.enabled ? '1\n' : '0\n'), (a, buf, count) => {
      a.enabled = kstrtobool(buf);
      return count;
    }),
  );
  busDir.entries.set(
    'drivers_probe',
    attrFile(system, 0o200, undefined, (s, buf, count) => {
      // bus_rescan_devices_helper(): an unknown name is ENODEV; a bound device is left alone.
      const dev = s.findDevice(deviceName(buf));
      if (!dev) throw new KernelError('ENODEV');
      if (dev.driver === null) {
        const match = (Object.keys(ND_DRIVERS) as NdDriverName[]).find((drv) => ND_DRIVERS[drv].bindable && driverMatches(drv, dev));
        if (match) s.bind(match, dev.name);
      }
      return count;
    }),
  );
  busDir.entries.set('uevent', uevent);
}
