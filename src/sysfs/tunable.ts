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

/** `parse` gets the written C string and the value shown now; it returns the value to show next. */
export function tunable(initial: string, parse: (buf: string, current: string) => string): AttrNode {
  const setting: Setting = { value: initial };
  return attrFile(setting, 0o644, (s) => `${s.value}\n`, (s, buf, count) => {
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
