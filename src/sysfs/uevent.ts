// Every device's uevent file (drivers/base/core.c uevent_show/uevent_store):
// reading shows the environment a uevent would carry; writing an action
// word synthesizes one.
import { KernelError } from '../kernel/errno.js';
import { attrFile } from './attr-file.js';
import type { AttrNode } from './node.js';

const UEVENT_ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind'];

/** lib/kobject_uevent.c kobject_synth_uevent(): an action word, optionally a UUID and KEY=value args. */
export function checkUeventAction(buf: string): void {
  const action = buf.trim().split(/\s+/)[0] ?? '';
  if (!UEVENT_ACTIONS.includes(action)) throw new KernelError('EINVAL');
}

export function ueventFile<D>(dev: D, text: (dev: D) => string): AttrNode {
  return attrFile(dev, 0o644, text, (_d, buf, count) => {
    checkUeventAction(buf);
    return count;
  });
}
