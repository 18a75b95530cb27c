// Every device's uevent file (drivers/base/core.c uevent_show/uevent_store):
// reading shows the environment a uevent would carry; writing an action
// word synthesizes one (lib/kobject_uevent.c kobject_synth_uevent, also
// behind the bus, driver and module uevent files).
import { KernelError } from '../kernel/errno.js';
import { attrFile } from './attr-file.js';
import type { AttrNode } from './node.js';

/** kobject_actions[], in enum kobject_action order. */
const UEVENT_ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind'];
const UUID_STRING_LEN = 36;
const UUID_SHAPE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const ALNUM = /^[0-9A-Za-z]$/;

const invalid = (why: string): KernelError => new KernelError('EINVAL', why);

/** One trailing "\n" or NUL is dropped (kobject_action_type/kobject_action_args). */
function dropTerminator(buf: string, count: number): number {
  return count > 0 && (buf[count - 1] === '\n' || buf[count - 1] === '\0') ? count - 1 : count;
}

/**
 * action_arg_word_end(): alphanumerics up to `delim` or the end; null when
 * empty or on any other character.
 */
function wordEnd(buf: string, from: number, end: number, delim: string): number | null {
  let i = from;
  while (i <= end && buf[i] !== delim) {
    if (!ALNUM.test(buf[i] ?? '')) return null;
    i++;
  }
  return i === from ? null : i;
}

/** kobject_action_args(): a UUID, then " KEY=value" pairs of alphanumerics. */
function checkArgs(args: string): void {
  const count = dropTerminator(args, args.length);
  if (count === 0) throw invalid('no arguments after the space');
  if (count < UUID_STRING_LEN || !UUID_SHAPE.test(args)) throw invalid('arguments must start with a UUID');
  const end = count - 1;
  let next = UUID_STRING_LEN;
  while (next <= end) {
    if (args[next] !== ' ') throw invalid('arguments are separated by one space');
    const key = ++next;
    if (key > end) throw invalid('a key must follow the space');
    const eq = wordEnd(args, key, end, '=');
    if (eq === null || eq > end || args[eq] !== '=') throw invalid('KEY=value expected');
    next = eq + 1;
    if (next > end) throw invalid('a value must follow "="');
    const v = wordEnd(args, next, end, ' ');
    if (v === null) throw invalid('values are alphanumeric');
    next = v;
  }
}

/**
 * kobject_synth_uevent(): kobject_action_type() on the written bytes (the
 * count, not the C string: "add " is an action with empty arguments, so
 * EINVAL), then kobject_action_args(). `buf` is the C string store()
 * sees; past its NUL the bytes count as NULs, which is exact because the
 * kernel stops at the first NUL everywhere except when the action name
 * matched up to it: there kobject_action_type() reads past the name
 * (kobject_actions[action][count_first]), undefined behaviour, taken here
 * as no match.
 */
export function checkUeventAction(cstr: string, count: number): void {
  const buf = cstr.padEnd(count, '\0');
  const n = dropTerminator(buf, count);
  if (n === 0) throw invalid('empty uevent action');
  // strnchr() stops at a NUL.
  let space = -1;
  for (let i = 0; i < n && buf[i] !== '\0'; i++) {
    if (buf[i] === ' ') {
      space = i;
      break;
    }
  }
  const first = space < 0 ? n : space;
  if (!UEVENT_ACTIONS.includes(buf.slice(0, first))) throw invalid('unknown uevent action string');
  if (space >= 0) checkArgs(buf.slice(space + 1, count));
}

export function ueventFile<D>(dev: D, text: (dev: D) => string): AttrNode {
  return attrFile(dev, 0o644, text, (_d, buf, count) => {
    checkUeventAction(buf, count);
    return count;
  });
}
