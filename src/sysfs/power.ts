// The power/ group the driver core adds to devices that take part in
// runtime PM (drivers/base/power/sysfs.c). libnvdimm's own devices opt out
// (device_set_pm_not_required), but their parents and the pmem gendisks
// have one.
import { KernelError } from '../kernel/errno.js';
import { sysfsStreq } from '../kernel/parse.js';
import { attrFile, constFile } from './attr-file.js';
import { dir, type DirNode } from './node.js';

interface PowerState {
  control: 'auto' | 'on';
  async: 'enabled' | 'disabled';
}

export function powerDir(): DirNode {
  const state: PowerState = { control: 'auto', async: 'disabled' };
  const d = dir();
  const e = d.entries;
  e.set(
    'async',
    attrFile(state, 0o644, (s) => `${s.async}\n`, (s, buf, count) => {
      if (sysfsStreq(buf, 'enabled')) s.async = 'enabled';
      else if (sysfsStreq(buf, 'disabled')) s.async = 'disabled';
      else throw new KernelError('EINVAL');
      return count;
    }),
  );
  // Runtime PM is not enabled for these devices: autosuspend is meaningless (EIO).
  const noAutosuspend = () => {
    throw new KernelError('EIO');
  };
  e.set('autosuspend_delay_ms', attrFile(state, 0o644, noAutosuspend, noAutosuspend));
  e.set(
    'control',
    attrFile(state, 0o644, (s) => `${s.control}\n`, (s, buf, count) => {
      if (sysfsStreq(buf, 'auto')) s.control = 'auto';
      else if (sysfsStreq(buf, 'on')) s.control = 'on';
      else throw new KernelError('EINVAL');
      return count;
    }),
  );
  e.set('runtime_active_kids', constFile('0\n'));
  e.set('runtime_active_time', constFile('0\n'));
  e.set('runtime_enabled', constFile('disabled\n'));
  e.set('runtime_status', constFile('unsupported\n'));
  e.set('runtime_suspended_time', constFile('0\n'));
  e.set('runtime_usage', constFile('0\n'));
  return d;
}
