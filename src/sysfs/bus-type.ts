// The driver core's files of a bus type (drivers/base/bus.c): /sys/bus/X
// with devices/, drivers_autoprobe, drivers_probe and uevent, and per driver
// module, uevent, bind/unbind (bind_store/unbind_store) and a link to each
// bound device. The bus (nd, dax) supplies only the matching and probing.
import { KernelError } from '../kernel/errno.js';
import { attrFile } from './attr-file.js';
import { mkdirp, relLink, type DirNode } from './node.js';
import { checkUeventAction } from './uevent.js';

export interface BusTypeDriver {
  readonly name: string;
  readonly module: string;
  /** false when the driver suppresses bind attributes (suppress_bind_attrs). */
  readonly bindable: boolean;
}

export interface BusTypeOps {
  readonly drivers: readonly BusTypeDriver[];
  /** Devices on the bus with the driver each is bound to. */
  devices(): readonly { readonly name: string; readonly driver: string | null }[];
  bind(driver: string, device: string): void;
  unbind(driver: string, device: string): void;
  /** bus_rescan_devices_helper() for one unbound device: attach the first driver that matches. */
  probe(device: string): void;
}

/** A device name as bind/unbind/drivers_probe take it: one trailing newline dropped. */
export function deviceName(buf: string): string {
  return buf.endsWith('\n') ? buf.slice(0, -1) : buf;
}

/** Build `busDir`; returns each driver's directory so a bus can add its own driver files. */
export function buildBusType(root: DirNode, busDir: string, ops: BusTypeOps, devicePaths: ReadonlyMap<string, string>): Map<string, DirNode> {
  const bus = mkdirp(root, busDir);
  mkdirp(root, `${busDir}/devices`);
  for (const [name, path] of devicePaths) relLink(root, `${busDir}/devices/${name}`, path);
  const uevent = attrFile(ops, 0o200, undefined, (_o, buf, count) => {
    checkUeventAction(buf, count);
    return count;
  });

  const driverDirs = new Map<string, DirNode>();
  const bound = ops.devices();
  for (const driver of ops.drivers) {
    const dpath = `${busDir}/drivers/${driver.name}`;
    const d = mkdirp(root, dpath);
    driverDirs.set(driver.name, d);
    relLink(root, `${dpath}/module`, `/sys/module/${driver.module}`);
    d.entries.set('uevent', uevent);
    if (driver.bindable) {
      d.entries.set(
        'bind',
        attrFile(ops, 0o200, undefined, (o, buf, count) => {
          o.bind(driver.name, deviceName(buf));
          return count;
        }),
      );
      d.entries.set(
        'unbind',
        attrFile(ops, 0o200, undefined, (o, buf, count) => {
          o.unbind(driver.name, deviceName(buf));
          return count;
        }),
      );
    }
    for (const dev of bound) {
      const path = devicePaths.get(dev.name);
      if (dev.driver === driver.name && path) relLink(root, `${dpath}/${dev.name}`, path);
    }
  }

  const autoprobe = { enabled: true };
  bus.entries.set(
    'drivers_autoprobe',
    attrFile(autoprobe, 0o644, (a) => (a.enabled ? '1\n' : '0\n'), (a, buf, count) => {
      // drivers/base/bus.c drivers_autoprobe_store(): "0" first disables, anything else enables.
      a.enabled = buf[0] !== '0';
      return count;
    }),
  );
  bus.entries.set(
    'drivers_probe',
    attrFile(ops, 0o200, undefined, (o, buf, count) => {
      // An unknown name is ENODEV; a bound device is left alone.
      const name = deviceName(buf);
      const dev = o.devices().find((d) => d.name === name);
      if (!dev) throw new KernelError('ENODEV');
      if (dev.driver === null) o.probe(name);
      return count;
    }),
  );
  bus.entries.set('uevent', uevent);
  return driverDirs;
}
