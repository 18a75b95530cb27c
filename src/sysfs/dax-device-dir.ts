// The dax side of a bound nd_dax device (drivers/dax/bus.c): the
// dax_region/ group on the nd_dax directory, and the device-dax instance
// daxR.N below it: attributes, dev, uevent, subsystem and driver links,
// power/ (dax devices take part in runtime PM), and mapping0/.
import { DAX_MAPPING_GROUP, DAX_REGION_GROUP, DEV_DAX_GROUP, type DaxRegion, type DevDax } from '../nvdimm/dax-region.js';
import { addGroups, constFile } from './attr-file.js';
import { dir, put, relLink, type DirNode } from './node.js';
import { powerDir } from './power.js';
import { ueventFile } from './uevent.js';

export const DAX_BUS_DIR = '/sys/bus/dax';

/** dax_bus_uevent() after the driver core's lines: MAJOR/MINOR/DEVNAME, DRIVER, then MODALIAS. */
function daxUevent(d: DevDax): string {
  return `MAJOR=${d.devt.major}\nMINOR=${d.devt.minor}\nDEVNAME=${d.name}\n${d.driver ? `DRIVER=${d.driver}\n` : ''}MODALIAS=dax:t0\n`;
}

/** devm_register_dax_mapping(): mapping0, a plain device (no bus, no type name) with the range's files. */
function mappingDir(devDax: DevDax): DirNode {
  const m = dir();
  addGroups(m, devDax, [DAX_MAPPING_GROUP]);
  m.entries.set('power', powerDir(devDax, 'mapping0/power'));
  m.entries.set('uevent', ueventFile(devDax, () => ''));
  return m;
}

/** Add the dax_region group to the nd_dax directory and the instance below it; returns the instance's path. */
export function addDaxRegion(root: DirNode, ndDaxDir: DirNode, ndDaxPath: string, region: DaxRegion): string | undefined {
  addGroups(ndDaxDir, region, [DAX_REGION_GROUP]);
  const devDax = region.devDax;
  if (!devDax) return undefined;
  const path = `${ndDaxPath}/${devDax.name}`;
  const d = dir();
  put(root, path, d);
  addGroups(d, devDax, [DEV_DAX_GROUP]);
  d.entries.set('dev', constFile(`${devDax.devt.major}:${devDax.devt.minor}\n`));
  d.entries.set('uevent', ueventFile(devDax, daxUevent));
  d.entries.set('power', powerDir(devDax));
  d.entries.set('mapping0', mappingDir(devDax));
  relLink(root, `${path}/subsystem`, DAX_BUS_DIR);
  if (devDax.driver) relLink(root, `${path}/driver`, `${DAX_BUS_DIR}/drivers/${devDax.driver}`);
  return path;
}
