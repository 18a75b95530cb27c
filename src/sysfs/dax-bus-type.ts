// /sys/bus/dax: the dax bus type's files and its drivers device_dax and
// kmem (drivers/base/bus.c, drivers/dax/bus.c dax_drv_attrs: new_id and
// remove_id). Registered with the device_dax module, so present whether
// or not any device-dax instance exists.
import { KernelError } from '../kernel/errno.js';
import { kstrtobool, sysfsStreq } from '../kernel/parse.js';
import { DAX_DRIVERS, type DaxDriverName, type NvdimmSystem } from '../nvdimm/system.js';
import { attrFile } from './attr-file.js';
import { DAX_BUS_DIR } from './dax-device-dir.js';
import { mkdirp, relLink, type DirNode } from './node.js';
import { checkUeventAction } from './uevent.js';

function deviceName(buf: string): string {
  return buf.endsWith('\n') ? buf.slice(0, -1) : buf;
}

/**
 * do_id_store()'s check: sscanf(buf, "dax%d.%d") must find both numbers
 * and the name printed back from them must equal what was written.
 */
function daxIdName(buf: string): string {
  const m = /^dax([+-]?\d+)\.([+-]?\d+)/.exec(buf);
  if (!m?.[1] || !m[2]) throw new KernelError('EINVAL');
  const name = `dax${Number(m[1])}.${Number(m[2])}`;
  if (!sysfsStreq(buf, name)) throw new KernelError('EINVAL');
  return name;
}

interface Autoprobe {
  enabled: boolean;
}

/** Build /sys/bus/dax; `devicePaths` maps each device-dax instance to its directory. */
export function buildDaxBusType(root: DirNode, system: NvdimmSystem, devicePaths: ReadonlyMap<string, string>): void {
  const busDir = mkdirp(root, DAX_BUS_DIR);
  mkdirp(root, `${DAX_BUS_DIR}/devices`);
  for (const [name, path] of devicePaths) relLink(root, `${DAX_BUS_DIR}/devices/${name}`, path);
  const uevent = attrFile(system, 0o200, undefined, (_s, buf, count) => {
    checkUeventAction(buf);
    return count;
  });

  for (const driver of Object.keys(DAX_DRIVERS) as DaxDriverName[]) {
    const dpath = `${DAX_BUS_DIR}/drivers/${driver}`;
    const d = mkdirp(root, dpath);
    relLink(root, `${dpath}/module`, `/sys/module/${DAX_DRIVERS[driver].module}`);
    d.entries.set('uevent', uevent);
    d.entries.set(
      'bind',
      attrFile(system, 0o200, undefined, (s, buf, count) => {
        s.daxBind(driver, deviceName(buf));
        return count;
      }),
    );
    d.entries.set(
      'unbind',
      attrFile(system, 0o200, undefined, (s, buf, count) => {
        s.daxUnbind(driver, deviceName(buf));
        return count;
      }),
    );
    d.entries.set(
      'new_id',
      attrFile(system, 0o200, undefined, (s, buf, count) => {
        const name = daxIdName(buf);
        s.daxIds[driver].add(name);
        // driver_attach(): every unbound instance the driver now matches is probed; failures stay quiet.
        for (const dev of s.daxDevices()) {
          if (dev.driver !== null || dev.name !== name) continue;
          try {
            s.daxBind(driver, dev.name);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
          }
        }
        return count;
      }),
    );
    d.entries.set(
      'remove_id',
      attrFile(system, 0o200, undefined, (s, buf, count) => {
        s.daxIds[driver].delete(daxIdName(buf));
        return count;
      }),
    );
    for (const dev of system.daxDevices()) {
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
      const dev = s.daxDevices().find((d) => d.name === deviceName(buf));
      if (!dev) throw new KernelError('ENODEV');
      if (dev.driver === null) s.daxBind('device_dax', dev.name);
      return count;
    }),
  );
  busDir.entries.set('uevent', uevent);
}
