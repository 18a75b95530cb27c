// The driver-core entries every device directory carries (drivers/base/core.c):
// uevent, dev for devices with a devt, and the subsystem/driver links.
import type { AttributeGroup } from '../nvdimm/attribute.js';
import type { NdDevice } from '../nvdimm/device.js';
import { ND_DEVICE_GROUP } from '../nvdimm/nd-device-attrs.js';
import { addGroups, constFile } from './attr-file.js';
import { dir, put, relLink, type DirNode } from './node.js';
import { ueventFile } from './uevent.js';

export const ND_BUS_DIR = '/sys/bus/nd';

/** dev_uevent() + nd_uevent(): MAJOR/MINOR/DEVNAME, DEVTYPE, DRIVER, then MODALIAS. */
export function ueventText(dev: NdDevice): string {
  let s = '';
  if (dev.devt) s += `MAJOR=${dev.devt.major}\nMINOR=${dev.devt.minor}\nDEVNAME=${dev.name}\n`;
  if (dev.devtype) s += `DEVTYPE=${dev.devtype}\n`;
  if (dev.driver) s += `DRIVER=${dev.driver}\n`;
  return `${s}MODALIAS=${dev.modalias}\n`;
}

/**
 * Create `path` for an nd-bus device: its attribute groups, the common
 * modalias/devtype group (every nd device but the bus), uevent, dev,
 * subsystem and (while bound) driver.
 */
export function ndDeviceDir<D extends NdDevice>(root: DirNode, path: string, dev: D, groups: readonly AttributeGroup<D>[], common = true): DirNode {
  const d = dir();
  put(root, path, d);
  if (common) addGroups<NdDevice>(d, dev, [ND_DEVICE_GROUP]);
  addGroups(d, dev, groups);
  d.entries.set('uevent', ueventFile(dev, ueventText));
  if (dev.devt) d.entries.set('dev', constFile(`${dev.devt.major}:${dev.devt.minor}\n`));
  relLink(root, `${path}/subsystem`, ND_BUS_DIR);
  if (dev.driver) relLink(root, `${path}/driver`, `${ND_BUS_DIR}/drivers/${dev.driver}`);
  return d;
}

