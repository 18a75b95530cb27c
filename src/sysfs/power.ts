// The power/ group the driver core adds to devices that take part in
// runtime PM (drivers/base/power/sysfs.c). libnvdimm's own devices opt out
// (device_set_pm_not_required), but their parents and the pmem gendisks
// have one.
import { constFile, failingFile } from './attr-file.js';
import { oneOf, tunable } from './tunable.js';
import { dir, type DirNode } from './node.js';

/** `owner`: the device whose dev_pm_info holds the settings; `at`: where the group sits below its directory. */
export function powerDir(owner: object, at = 'power'): DirNode {
  const d = dir();
  const e = d.entries;
  e.set('async', tunable(owner, `${at}/async`, 'disabled', oneOf(['enabled', 'disabled'])));
  // Runtime PM is not enabled for these devices: autosuspend is meaningless (EIO).
  e.set('autosuspend_delay_ms', failingFile('EIO'));
  e.set('control', tunable(owner, `${at}/control`, 'auto', oneOf(['auto', 'on'])));
  e.set('runtime_active_kids', constFile('0\n'));
  e.set('runtime_active_time', constFile('0\n'));
  e.set('runtime_enabled', constFile('disabled\n'));
  e.set('runtime_status', constFile('unsupported\n'));
  e.set('runtime_suspended_time', constFile('0\n'));
  e.set('runtime_usage', constFile('0\n'));
  return d;
}
