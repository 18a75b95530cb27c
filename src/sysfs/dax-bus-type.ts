// /sys/bus/dax: the dax bus type's files and its drivers device_dax and
// kmem (drivers/base/bus.c, drivers/dax/bus.c dax_drv_attrs: new_id and
// remove_id). Registered with the device_dax module, so present whether
// or not any device-dax instance exists.
import { KernelError } from '../kernel/errno.js';
import { sysfsStreq } from '../kernel/parse.js';
import { scanDecimal } from '../kernel/scan.js';
import { DAX_DRIVERS, type DaxDriverName, type NvdimmSystem } from '../nvdimm/system.js';
import { attrFile } from './attr-file.js';
import { DAX_BUS_DIR } from './dax-device-dir.js';
import { buildBusType, type BusTypeOps } from './bus-type.js';
import type { DirNode } from './node.js';

/**
 * do_id_store()'s check: sscanf(buf, "dax%d.%d") must find both numbers
 * (whitespace before each is skipped, no "+", an int that wraps like
 * simple_strtol() into an int), and the name printed back from them must
 * be what was written (sysfs_streq).
 */
function daxIdName(buf: string): string {
  const region = buf.startsWith('dax') ? scanDecimal(buf, 3, true) : null;
  const id = region && buf[region.end] === '.' ? scanDecimal(buf, region.end + 1, true) : null;
  if (!region || !id) throw new KernelError('EINVAL');
  const name = `dax${BigInt.asIntN(32, region.value)}.${BigInt.asIntN(32, id.value)}`;
  if (!sysfsStreq(buf, name)) throw new KernelError('EINVAL');
  return name;
}

/** Build /sys/bus/dax; `devicePaths` maps each device-dax instance to its directory. */
export function buildDaxBusType(root: DirNode, system: NvdimmSystem, devicePaths: ReadonlyMap<string, string>): void {
  const names = Object.keys(DAX_DRIVERS) as DaxDriverName[];
  const ops: BusTypeOps = {
    drivers: names.map((name) => ({ name, module: DAX_DRIVERS[name].module, bindable: true })),
    devices: () => system.daxDevices(),
    bind: (driver, name) => system.daxBind(driver as DaxDriverName, name),
    unbind: (driver, name) => system.daxUnbind(driver as DaxDriverName, name),
    // Only device_dax matches without an id; its probe errors are the write's.
    probe: (name) => system.daxBind('device_dax', name),
  };
  const driverDirs = buildBusType(root, DAX_BUS_DIR, ops, devicePaths);
  for (const driver of names) {
    const d = driverDirs.get(driver);
    if (!d) continue;
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
  }
}
