// A writable setting outside libnvdimm (block queue knobs, runtime-PM
// controls): shown as its current value, stored after the parser accepts
// the input (EINVAL otherwise).
import { KernelError } from '../kernel/errno.js';
import { kstrtobool, sysfsStreq } from '../kernel/parse.js';
import { attrFile } from './attr-file.js';
import type { AttrNode } from './node.js';

interface Setting {
  value: string;
}

/**
 * Where written values live: with the kernel object that holds them (a
 * disk's request queue, a device's dev_pm_info), not in the tree, which is
 * rebuilt whenever the model's shape changes. A value lasts as long as its
 * owner does, as in the kernel: a new disk starts from the defaults.
 */
const SETTINGS = new WeakMap<object, Map<string, Setting>>();

function setting(owner: object, key: string, initial: string): Setting {
  let settings = SETTINGS.get(owner);
  if (!settings) {
    settings = new Map();
    SETTINGS.set(owner, settings);
  }
  let s = settings.get(key);
  if (!s) {
    s = { value: initial };
    settings.set(key, s);
  }
  return s;
}

/**
 * A setting of `owner` named `key` (its path below the owner's directory).
 * `parse` gets the written C string and the value shown now; it returns the
 * value to show next.
 */
export function tunable(owner: object, key: string, initial: string, parse: (buf: string, current: string) => string): AttrNode {
  return attrFile(setting(owner, key, initial), 0o644, (s) => `${s.value}\n`, (s, buf, count) => {
    s.value = parse(buf, s.value);
    return count;
  });
}

export const boolean01 = (buf: string): string => (kstrtobool(buf) ? '1' : '0');
export const oneOf =
  (choices: readonly string[]) =>
  (buf: string): string => {
    const hit = choices.find((c) => sysfsStreq(buf, c));
    if (hit === undefined) throw new KernelError('EINVAL');
    return hit;
  };
