// What the 6.1 kernel does with an arbitrary write(2) to each writable
// sysfs attribute ndsim presents: a declarative table, attribute → the
// kernel store function and its acceptance rule, derived from the kernel
// source (function named in each row). Used by test/unit/bad-input.test.ts.
//
// The outcome of one write(2):
//   reject  the store fails with this errno before touching any state;
//   accept  the store succeeds (returns the byte count), state may change;
//   valid   the input parses; what happens next depends on device state
//           (success or one of the listed errnos);
//   undefined  the kernel's behaviour is undefined for these bytes (reads
//           past a string or an uninitialised buffer): only "no crash" holds.
import type { ErrnoName } from '../../src/kernel/errno.js';
import { isSpace, kstrtobool, kstrtoll, kstrtoull, scanDecimal, strim, sysfsStreq, uuidIsValid } from './kernel-parsers.js';

export type Outcome =
  | { kind: 'reject'; errno: ErrnoName }
  | { kind: 'accept' }
  | { kind: 'valid'; errnos: readonly ErrnoName[] }
  | { kind: 'undefined'; why: string };

const reject = (errno: ErrnoName): Outcome => ({ kind: 'reject', errno });
const accept: Outcome = { kind: 'accept' };
const valid = (...errnos: ErrnoName[]): Outcome => ({ kind: 'valid', errnos });

/** sysfs attributes have no atomic_write_len: a write is cut to one page. */
export const PAGE_SIZE = 4096;

/**
 * What store() receives for one write(2) of `bytes` (fs/kernfs/file.c
 * kernfs_fop_write_iter: len = min(len, PAGE_SIZE), buf[len] = '\0'; the
 * position is ignored by fs/sysfs/file.c sysfs_kf_write).
 */
export interface Written {
  /** The bytes store() sees, as latin1 (may hold NULs). */
  raw: string;
  /** Its C-string view: up to the first NUL. */
  str: string;
  /** The count store() is given. */
  count: number;
}

export function written(bytes: Buffer): Written {
  const count = Math.min(bytes.length, PAGE_SIZE);
  const raw = bytes.subarray(0, count).toString('latin1');
  const nul = raw.indexOf('\0');
  return { raw, str: nul < 0 ? raw : raw.slice(0, nul), count };
}

/** What the oracle may look up about the tree (through the vfs, before the write). */
export interface TreeFacts {
  /** Content of a readable attribute, undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** Whether the path exists (as anything). */
  exists(path: string): boolean;
  /** Device names on a bus (/sys/bus/<bus>/devices). */
  busDevices(bus: string): string[];
}

interface Rule {
  /** Matches the attribute's path. */
  path: RegExp;
  /** The kernel function that implements the store. */
  kernel: string;
  /** Valid words to mutate into bad ones (and the odd good one). */
  words: readonly string[];
  outcome(w: Written, at: string, facts: TreeFacts): Outcome;
}

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
/** drivers/base/dd.c: a device with a driver has a "driver" link. */
const bound = (dir: string, facts: TreeFacts): boolean => facts.exists(`${dir}/driver`);

function fromParsed<T>(p: { ok: true; value: T } | { ok: false; errno: ErrnoName }, then: (v: T) => Outcome): Outcome {
  return p.ok ? then(p.value) : reject(p.errno);
}

const boolRule = (w: Written): Outcome => fromParsed(kstrtobool(w.str), () => accept);

/** block/blk-sysfs.c queue_var_store(): kstrtoul(page, 10), any failure or > UINT_MAX is EINVAL. */
function queueVar(w: Written): bigint | null {
  const p = kstrtoull(w.str, 10);
  return p.ok && p.value <= 0xffff_ffffn ? p.value : null;
}

/** lib/kobject_uevent.c kobject_synth_uevent(): kobject_action_type(), then kobject_action_args(). */
const UEVENT_ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind'];
function synthUevent(w: Written): Outcome {
  const buf = w.raw;
  let count = w.count;
  if (count && (buf[count - 1] === '\n' || buf[count - 1] === '\0')) count--;
  if (!count) return reject('EINVAL');
  // strnchr() stops at a NUL.
  let space = -1;
  for (let i = 0; i < count && buf[i] !== '\0'; i++) {
    if (buf[i] === ' ') {
      space = i;
      break;
    }
  }
  const first = space < 0 ? count : space;
  let matched = false;
  for (const action of UEVENT_ACTIONS) {
    // strncmp(action, buf, first): stops at the action's NUL or a difference.
    let eq = true;
    for (let i = 0; i < first; i++) {
      const a = action[i] ?? '\0';
      const b = buf[i] ?? '\0';
      if (a !== b) {
        eq = false;
        break;
      }
      if (a === '\0') break;
    }
    if (!eq) continue;
    // kobject_actions[action][first]: past the literal when first > strlen.
    if (first > action.length) return { kind: 'undefined', why: 'kobject_action_type reads past the action name' };
    if (first !== action.length) continue;
    matched = true;
    break;
  }
  if (!matched) return reject('EINVAL');
  if (space < 0) return accept;
  // kobject_action_args(args, count - (args - buf)).
  const args = buf.slice(space + 1, w.count);
  let n = args.length;
  if (n && (args[n - 1] === '\n' || args[n - 1] === '\0')) n--;
  if (!n) return reject('EINVAL');
  if (n < 36 || !uuidIsValid(args)) return reject('EINVAL');
  const end = n - 1;
  const alnum = (c: string | undefined) => c !== undefined && /^[0-9A-Za-z]$/.test(c);
  const wordEnd = (from: number, delim: string): number | null => {
    let i = from;
    while (i <= end && args[i] !== delim) {
      if (!alnum(args[i])) return null;
      i++;
    }
    return i === from ? null : i;
  };
  let next = 36;
  while (next <= end) {
    if (args[next] !== ' ') return reject('EINVAL');
    const key = ++next;
    if (key > end) return reject('EINVAL');
    const eq = wordEnd(key, '=');
    if (eq === null || eq > end || args[eq] !== '=') return reject('EINVAL');
    next = eq + 1;
    if (next > end) return reject('EINVAL');
    const v = wordEnd(next, ' ');
    if (v === null) return reject('EINVAL');
    next = v;
  }
  return accept;
}

/** drivers/nvdimm/security.c nvdimm_security_store(): sscanf("%32s %10s %10s"), the ops table, kstrtouint() keys. */
const SECURITY_OPS: ReadonlyMap<string, number> = new Map([
  ['freeze', 1],
  ['disable', 2],
  ['update', 3],
  ['erase', 2],
  ['overwrite', 2],
  ['master_update', 3],
  ['master_erase', 2],
]);
function securityStore(w: Written): Outcome {
  const s = w.str;
  const words: string[] = [];
  let i = 0;
  for (const width of [32, 10, 10]) {
    while (isSpace(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    while (i < s.length && !isSpace(s[i]) && i - start < width) i++;
    words.push(s.slice(start, i));
  }
  const [cmd, key, newKey] = words;
  if (cmd === undefined) return reject('EINVAL');
  const args = SECURITY_OPS.get(cmd);
  if (args === undefined) return reject('EINVAL');
  for (const k of [key, newKey].slice(0, args - 1)) {
    if (k === undefined) return { kind: 'undefined', why: 'kstrtouint of an unscanned key buffer' };
    const p = kstrtoull(k, 0);
    if (!p.ok) return reject(p.errno);
    if (p.value > 0xffff_ffffn) return reject('ERANGE');
  }
  return valid('ENOKEY', 'EOPNOTSUPP', 'EBUSY', 'EIO', 'EINVAL');
}

/** block/badblocks.c badblocks_store(): sscanf("%llu %d%c"), the %c must be "\n", length > 0. */
function badblocksStore(w: Written): Outcome {
  const s = w.str;
  const sector = scanDecimal(s, 0, false);
  if (!sector) return reject('EINVAL');
  let i = sector.end;
  while (isSpace(s[i])) i++;
  const length = scanDecimal(s, i, true);
  if (!length) return reject('EINVAL');
  const c = s[length.end];
  if (c !== undefined && c !== '\n') return reject('EINVAL');
  if (BigInt.asIntN(32, length.value) <= 0n) return reject('EINVAL');
  return valid('ENOSPC');
}

/** drivers/nvdimm/pfn_devs.c mode_store(): strncmp against "pmem\n"/"pmem"/... over len - 1 bytes. */
function pfnMode(w: Written): Outcome {
  const n = w.count - 1;
  const strncmpEq = (a: string, b: string) => {
    for (let i = 0; i < n; i++) {
      const x = a[i] ?? '\0';
      const y = b[i] ?? '\0';
      if (x !== y) return false;
      if (x === '\0') return true;
    }
    return true;
  };
  for (const m of ['pmem', 'ram', 'none']) if (strncmpEq(w.raw, `${m}\n`) || strncmpEq(w.raw, m)) return accept;
  return reject('EINVAL');
}

/** drivers/nvdimm/claim.c nd_namespace_store(): kstrndup, strim, "namespace" prefix or empty. */
function claimNamespace(w: Written, at: string, facts: TreeFacts): Outcome {
  const dir = dirOf(at);
  if (bound(dir, facts)) return reject('EBUSY');
  const name = strim(w.str);
  if (name !== '' && !name.startsWith('namespace')) return reject('EINVAL');
  if (name === '') return accept;
  if ((facts.read(at) ?? '\n') !== '\n') return reject('EBUSY');
  if (!facts.exists(`${dirOf(dir)}/${name}`)) return reject('ENODEV');
  return valid('EBUSY', 'ENXIO');
}

/** drivers/nvdimm/core.c nd_size_select_store(): EBUSY while bound, kstrtoul(0), then the supported list. */
function sizeSelect(listFile: string) {
  return (w: Written, at: string, facts: TreeFacts): Outcome => {
    const dir = dirOf(at);
    if (bound(dir, facts)) return reject('EBUSY');
    const supported = (facts.read(`${dir}/${listFile}`) ?? '').replace(/[[\]]/g, '').trim().split(/\s+/);
    return fromParsed(kstrtoull(w.str, 0), (v) => (supported.includes(v.toString()) ? accept : reject('EINVAL')));
  };
}

/** drivers/base/bus.c bind_store()/unbind_store()/drivers_probe_store(): bus_find_device_by_name() (sysfs_streq). */
function busDevice(bus: string, w: Written, facts: TreeFacts): boolean {
  return facts.busDevices(bus).some((d) => sysfsStreq(w.str, d));
}

const UUID = '6f2c1ee5-4c1a-4e4e-8d6b-3b3a5c0e9a11';

/**
 * nd_namespace_label_update() → nvdimm_set_config_data(): the label write
 * fails as the DIMM's DSM does (EIO once nfit_test's fail_cmd is set, as a
 * drifting state may have it), or for lack of a free slot.
 */
const LABEL_UPDATE: ErrnoName[] = ['EIO', 'ENXIO', 'ENOSPC', 'EINVAL', 'ENOMEM', 'EBUSY'];

/** The table. First match wins; every writable attribute must match one row (the test checks). */
export const RULES: readonly Rule[] = [
  {
    path: /\/uevent$/,
    kernel: 'drivers/base/core.c uevent_store, bus.c bus_uevent_store/driver_uevent_store, kernel/params.c uevent_store → lib/kobject_uevent.c kobject_synth_uevent',
    words: ['add', 'change', `change ${UUID}`, `add ${UUID} KEY=val A=b`, 'offline'],
    outcome: synthUevent,
  },
  { path: /\/power\/async$/, kernel: 'drivers/base/power/sysfs.c async_store (sysfs_streq)', words: ['enabled', 'disabled'], outcome: (w) => (sysfsStreq(w.str, 'enabled') || sysfsStreq(w.str, 'disabled') ? accept : reject('EINVAL')) },
  { path: /\/power\/control$/, kernel: 'drivers/base/power/sysfs.c control_store (sysfs_streq)', words: ['auto', 'on'], outcome: (w) => (sysfsStreq(w.str, 'auto') || sysfsStreq(w.str, 'on') ? accept : reject('EINVAL')) },
  { path: /\/power\/autosuspend_delay_ms$/, kernel: 'drivers/base/power/sysfs.c autosuspend_delay_ms_store: !use_autosuspend → EIO before parsing', words: ['100', '-1'], outcome: () => reject('EIO') },
  {
    path: /\/queue\/(add_random|iostats|rotational|stable_writes|nomerges|read_ahead_kb|rq_affinity)$/,
    kernel: 'block/blk-sysfs.c queue_var_store (QUEUE_SYSFS_BIT_FNS, queue_nomerges_store, queue_ra_store, queue_rq_affinity_store)',
    words: ['0', '1', '2', '128'],
    outcome: (w) => (queueVar(w) === null ? reject('EINVAL') : accept),
  },
  {
    path: /\/queue\/max_sectors_kb$/,
    kernel: 'block/blk-sysfs.c queue_max_sectors_store: queue_var_store, then page_kb <= v <= max_hw_sectors_kb',
    words: ['1280', '4'],
    outcome: (w) => {
      const v = queueVar(w);
      if (v === null || v < 4n) return reject('EINVAL');
      return valid('EINVAL');
    },
  },
  {
    path: /\/queue\/discard_max_bytes$/,
    kernel: 'block/blk-sysfs.c queue_discard_max_store: queue_var_store, then the discard granularity',
    words: ['0', '4096'],
    outcome: (w) => (queueVar(w) === null ? reject('EINVAL') : valid('EINVAL')),
  },
  {
    path: /\/queue\/(nr_requests|io_poll_delay|io_poll)$/,
    kernel: 'block/blk-sysfs.c queue_requests_store (!queue_is_mq), queue_poll_delay_store (!mq_ops), queue_poll_store (!QUEUE_FLAG_POLL): EINVAL for the bio-based pmem queue',
    words: ['128', '0', '-1', '1'],
    outcome: () => reject('EINVAL'),
  },
  { path: /\/queue\/scheduler$/, kernel: 'block/elevator.c elv_iosched_store: !elv_support_iosched (bio-based) → count, ignored', words: ['none', 'mq-deadline'], outcome: () => accept },
  {
    path: /\/queue\/write_cache$/,
    kernel: 'block/blk-sysfs.c queue_wc_store: strncmp prefixes "write back" (EINVAL without QUEUE_FLAG_HW_WC, which pmem sets and btt does not), "write through", "none"',
    words: ['write back', 'write through', 'none'],
    outcome: (w) => {
      if (w.str.startsWith('write back')) return valid('EINVAL');
      return w.str.startsWith('write through') || w.str.startsWith('none') ? accept : reject('EINVAL');
    },
  },
  {
    path: /\/queue\/wbt_lat_usec$/,
    kernel: 'block/blk-sysfs.c queue_wb_lat_store: kstrtos64(10) errno, val < -1 → EINVAL, then wbt (state)',
    words: ['-1', '0', '2000'],
    outcome: (w) => fromParsed(kstrtoll(w.str, 10), (v) => (v < -1n ? reject('EINVAL') : valid('EINVAL'))),
  },
  {
    path: /\/trace\/act_mask$/,
    kernel: 'kernel/trace/blktrace.c sysfs_blk_trace_attr_store: kstrtoull(0) or blk_trace_str2mask; count 0 → EINVAL',
    words: ['0', 'read,write'],
    outcome: (w) => (kstrtoull(w.str, 0).ok ? valid('EINVAL', 'ENXIO') : valid('EINVAL')),
  },
  {
    path: /\/trace\/(enable|pid|start_lba|end_lba)$/,
    kernel: 'kernel/trace/blktrace.c sysfs_blk_trace_attr_store: kstrtoull(0) failing → EINVAL (its ERANGE too)',
    words: ['0', '1', '0x10'],
    outcome: (w) => (kstrtoull(w.str, 0).ok ? valid('EINVAL', 'ENXIO') : reject('EINVAL')),
  },
  {
    path: /\/events_poll_msecs$/,
    kernel: 'block/disk-events.c disk_events_poll_msecs_store: sscanf("%ld") or EINVAL; < -1 → EINVAL; no disk->ev (pmem has no check_events) → ENODEV',
    words: ['-1', '0', '1000'],
    outcome: (w) => {
      const v = scanDecimal(w.str, 0, true);
      if (!v) return reject('EINVAL');
      return v.value < -1n ? reject('EINVAL') : reject('ENODEV');
    },
  },
  { path: /\/badblocks$/, kernel: 'block/genhd.c disk_badblocks_store → block/badblocks.c badblocks_store', words: ['8 8', '0 1\n'], outcome: badblocksStore },
  {
    path: /\/integrity\/(read_verify|write_generate)$/,
    kernel: 'block/blk-integrity.c read_verify_store/write_generate_store: simple_strtoul, never fails',
    words: ['0', '1'],
    outcome: () => accept,
  },
  { path: /\/dax\/write_cache$/, kernel: 'drivers/nvdimm/pmem.c write_cache_store: strtobool', words: ['0', '1'], outcome: boolRule },
  {
    path: /\/driver_override$/,
    kernel: 'drivers/base/platform.c driver_override_store → drivers/base/driver.c driver_set_override: count >= PAGE_SIZE - 1 → EINVAL, else stored up to the first "\\n"',
    words: ['nfit_test', '\n'],
    outcome: (w) => (w.count >= PAGE_SIZE - 1 ? reject('EINVAL') : accept),
  },
  {
    path: /^\/sys\/bus\/(nd|dax)\/drivers\/[^/]+\/(bind|unbind)$/,
    kernel: 'drivers/base/bus.c bind_store/unbind_store: bus_find_device_by_name (sysfs_streq) or ENODEV',
    words: ['ndbus0', 'region0', 'namespace0.0', 'dax0.0', 'nmem0'],
    outcome: (w, at, facts) => (busDevice(at.split('/')[3] ?? '', w, facts) ? valid('ENODEV', 'EBUSY', 'ENXIO', 'EINVAL', 'EEXIST', 'ENOMEM', 'EOPNOTSUPP', 'EIO') : reject('ENODEV')),
  },
  {
    path: /^\/sys\/bus\/(nd|dax)\/drivers_probe$/,
    kernel: 'drivers/base/bus.c drivers_probe_store: bus_find_device_by_name or ENODEV, then the rescan',
    words: ['region0', 'ndbus0'],
    outcome: (w, at, facts) => (busDevice(at.split('/')[3] ?? '', w, facts) ? valid('EINVAL') : reject('ENODEV')),
  },
  { path: /^\/sys\/bus\/(nd|dax)\/drivers_autoprobe$/, kernel: 'drivers/base/bus.c drivers_autoprobe_store: buf[0] == "0" disables, anything else enables', words: ['0', '1'], outcome: () => accept },
  {
    path: /^\/sys\/bus\/dax\/drivers\/[^/]+\/(new_id|remove_id)$/,
    kernel: 'drivers/dax/bus.c do_id_store: sscanf("dax%d.%d") == 2 and sysfs_streq with the name it prints',
    words: ['dax0.0', 'dax1.0', 'dax4294967296.0', 'dax-1.0'],
    outcome: (w) => {
      const s = w.str;
      if (!s.startsWith('dax')) return reject('EINVAL');
      const a = scanDecimal(s, 3, true);
      if (!a || s[a.end] !== '.') return reject('EINVAL');
      const b = scanDecimal(s, a.end + 1, true);
      if (!b) return reject('EINVAL');
      const name = `dax${BigInt.asIntN(32, a.value)}.${BigInt.asIntN(32, b.value)}`;
      return sysfsStreq(s, name) ? valid('ENOMEM') : reject('EINVAL');
    },
  },
  { path: /^\/sys\/module\/nfit\/parameters\/(force_enable_dimms|no_init_ars)$/, kernel: 'kernel/params.c param_attr_store → param_set_bool → kstrtobool', words: ['Y', 'N'], outcome: boolRule },
  {
    path: /\/nfit\/scrub$/,
    kernel: 'drivers/acpi/nfit/core.c scrub_store: kstrtol(0) errno, val != 1 → EINVAL, then acpi_nfit_ars_rescan',
    words: ['1'],
    outcome: (w) => fromParsed(kstrtoll(w.str, 0), (v) => (v === 1n ? valid('EBUSY', 'ENOTTY', 'ENXIO', 'EIO') : reject('EINVAL'))),
  },
  {
    path: /\/nfit\/hw_error_scrub$/,
    kernel: 'drivers/acpi/nfit/core.c hw_error_scrub_store: kstrtol(0) errno, then 0 or 1 else EINVAL',
    words: ['0', '1'],
    outcome: (w) => fromParsed(kstrtoll(w.str, 0), (v) => (v === 0n || v === 1n ? accept : reject('EINVAL'))),
  },
  { path: /\/nfit\/firmware_activate_noidle$/, kernel: 'drivers/acpi/nfit/intel.c firmware_activate_noidle_store: kstrtobool', words: ['Y', 'N'], outcome: boolRule },
  {
    path: /\/ndbus\d+\/firmware\/activate$/,
    kernel: 'drivers/nvdimm/core.c activate_store: no fw_ops → EOPNOTSUPP; sysfs_streq "live"/"quiesce" else EINVAL; then the activate state',
    words: ['live', 'quiesce'],
    outcome: (w) => (sysfsStreq(w.str, 'live') || sysfsStreq(w.str, 'quiesce') ? valid('EBUSY', 'ENXIO', 'EIO', 'EOPNOTSUPP') : reject('EINVAL')),
  },
  {
    path: /\/nmem\d+\/firmware\/activate$/,
    kernel: 'drivers/nvdimm/dimm_devs.c activate_store: sysfs_streq "arm"/"disarm" else EINVAL; then fw_ops->arm',
    words: ['arm', 'disarm'],
    outcome: (w) => (sysfsStreq(w.str, 'arm') || sysfsStreq(w.str, 'disarm') ? valid('EBUSY', 'ENXIO', 'EIO', 'EOPNOTSUPP') : reject('EINVAL')),
  },
  { path: /\/nmem\d+\/security$/, kernel: 'drivers/nvdimm/security.c nvdimm_security_store', words: ['freeze', 'disable 1', 'update 1 2', 'overwrite 0x10'], outcome: securityStore },
  {
    path: /\/region\d+\/align$/,
    kernel: 'drivers/nvdimm/region_devs.c align_store: kstrtoul(0) errno, then val/mappings a power of two >= PAGE_SIZE, no remainder, <= region size',
    words: ['0x1000000', '16777216', '0x200000'],
    outcome: (w, at, facts) =>
      fromParsed(kstrtoull(w.str, 0), (v) => {
        const dir = dirOf(at);
        const mappings = BigInt(Math.max(1, Number(facts.read(`${dir}/mappings`) ?? '1')));
        const size = BigInt((facts.read(`${dir}/size`) ?? '0').trim());
        const dpa = v / mappings;
        const pow2 = dpa > 0n && (dpa & (dpa - 1n)) === 0n;
        return !pow2 || dpa < BigInt(PAGE_SIZE) || v > size || v % mappings !== 0n ? reject('EINVAL') : accept;
      }),
  },
  { path: /\/region\d+\/read_only$/, kernel: 'drivers/nvdimm/region_devs.c read_only_store: strtobool', words: ['0', '1'], outcome: boolRule },
  {
    path: /\/region\d+\/deep_flush$/,
    kernel: 'drivers/nvdimm/region_devs.c deep_flush_store: strtobool errno, false → EINVAL, then nvdimm_flush',
    words: ['1', 'Y'],
    outcome: (w) => fromParsed(kstrtobool(w.str), (v) => (v ? valid('ENXIO', 'EIO') : reject('EINVAL'))),
  },
  {
    path: /\/namespace\d+\.\d+\/holder_class$/,
    kernel: 'drivers/nvdimm/namespace_devs.c __holder_class_store: bound or claimed → EBUSY; sysfs_streq btt/pfn/dax/"" else EINVAL',
    words: ['btt', 'pfn', 'dax', ''],
    outcome: (w, at, facts) => {
      const dir = dirOf(at);
      if (bound(dir, facts) || (facts.read(`${dir}/holder`) ?? '\n') !== '\n') return reject('EBUSY');
      return ['btt', 'pfn', 'dax', ''].some((c) => sysfsStreq(w.str, c)) ? valid('ENXIO', 'EBUSY', ...LABEL_UPDATE) : reject('EINVAL');
    },
  },
  {
    path: /\/namespace\d+\.\d+\/size$/,
    kernel: 'drivers/nvdimm/namespace_devs.c size_store: kstrtoull(0) errno first; __size_store: bound or claimed → EBUSY, no uuid → ENXIO; then alignment, space, labels',
    words: ['0', '0x1000000', '16777216'],
    outcome: (w, at, facts) =>
      fromParsed(kstrtoull(w.str, 0), () => {
        const dir = dirOf(at);
        if (bound(dir, facts) || (facts.read(`${dir}/holder`) ?? '\n') !== '\n') return reject('EBUSY');
        if ((facts.read(`${dir}/uuid`) ?? '\n') === '\n') return reject('ENXIO');
        return valid('EINVAL', 'ENOSPC', 'ENXIO', 'EBUSY', ...LABEL_UPDATE);
      }),
  },
  {
    path: /\/namespace\d+\.\d+\/uuid$/,
    kernel: 'drivers/nvdimm/namespace_devs.c uuid_store: claimed → EBUSY; nd_uuid_store (bound → EBUSY, uuid_parse → EINVAL); namespace_update_uuid (not unique → EINVAL); labels',
    words: [UUID, `${UUID}\n`],
    outcome: (w, at, facts) => {
      const dir = dirOf(at);
      if (bound(dir, facts) || (facts.read(`${dir}/holder`) ?? '\n') !== '\n') return reject('EBUSY');
      return uuidIsValid(w.str) ? valid('EINVAL', 'EBUSY', 'ENXIO', ...LABEL_UPDATE) : reject('EINVAL');
    },
  },
  {
    path: /\/namespace\d+\.\d+\/alt_name$/,
    kernel: 'drivers/nvdimm/namespace_devs.c __alt_name_store: bound or claimed → EBUSY; strim(kstrndup(buf, len)) of 64 bytes or more (NSLABEL_NAME_LEN with its NUL) → EINVAL; labels',
    words: ['name', 'x'.repeat(63)],
    outcome: (w, at, facts) => {
      const dir = dirOf(at);
      if (bound(dir, facts) || (facts.read(`${dir}/holder`) ?? '\n') !== '\n') return reject('EBUSY');
      return strim(w.str).length + 1 > 64 ? reject('EINVAL') : valid('ENXIO', 'EBUSY', ...LABEL_UPDATE);
    },
  },
  {
    path: /\/namespace\d+\.\d+\/sector_size$/,
    kernel: 'drivers/nvdimm/namespace_devs.c sector_size_store: claimed → EBUSY; nd_size_select_store over pmem_lbasize_supported {512, 4096}; labels',
    words: ['512', '4096', '0x1000'],
    outcome: (w, at, facts) => {
      const dir = dirOf(at);
      if (bound(dir, facts) || (facts.read(`${dir}/holder`) ?? '\n') !== '\n') return reject('EBUSY');
      return fromParsed(kstrtoull(w.str, 0), (v) => (v === 512n || v === 4096n ? valid('ENXIO', 'EBUSY', ...LABEL_UPDATE) : reject('EINVAL')));
    },
  },
  { path: /\/namespace\d+\.\d+\/force_raw$/, kernel: 'drivers/nvdimm/namespace_devs.c force_raw_store: strtobool', words: ['0', '1'], outcome: boolRule },
  {
    path: /\/(btt|pfn|dax)\d+\.\d+\/uuid$/,
    kernel: 'drivers/nvdimm/core.c nd_uuid_store: EBUSY while bound, lib/uuid.c uuid_parse (first 36 characters) else EINVAL',
    words: [UUID, `${UUID}\n`],
    outcome: (w, at, facts) => (bound(dirOf(at), facts) ? reject('EBUSY') : uuidIsValid(w.str) ? accept : reject('EINVAL')),
  },
  { path: /\/(btt|pfn|dax)\d+\.\d+\/namespace$/, kernel: 'drivers/nvdimm/claim.c nd_namespace_store', words: ['namespace0.0', 'namespace1.0', ''], outcome: claimNamespace },
  { path: /\/btt\d+\.\d+\/sector_size$/, kernel: 'drivers/nvdimm/btt_devs.c sector_size_store → core.c nd_size_select_store', words: ['4096', '512', '0x1000'], outcome: sizeSelect('sector_size') },
  { path: /\/(pfn|dax)\d+\.\d+\/align$/, kernel: 'drivers/nvdimm/pfn_devs.c align_store → core.c nd_size_select_store', words: ['4096', '2097152', '0x200000'], outcome: sizeSelect('supported_alignments') },
  {
    path: /\/(pfn|dax)\d+\.\d+\/mode$/,
    kernel: 'drivers/nvdimm/pfn_devs.c mode_store: EBUSY while bound, strncmp over len - 1 bytes',
    words: ['pmem', 'ram', 'none'],
    outcome: (w, at, facts) => (bound(dirOf(at), facts) ? reject('EBUSY') : pfnMode(w)),
  },
  {
    path: /\/test_dimm\d+\/(fail_cmd|fail_cmd_code)$/,
    kernel: 'tools/testing/nvdimm/test/nfit.c fail_cmd_store/fail_cmd_code_store: kstrtol(0)',
    words: ['0', '0x40', '-5'],
    outcome: (w) => fromParsed(kstrtoll(w.str, 0), () => accept),
  },
  { path: /\/test_dimm\d+\/lock_dimm$/, kernel: 'tools/testing/nvdimm/test/nfit.c lock_dimm_store: takes anything', words: ['1'], outcome: () => accept },
];

export function ruleFor(path: string): Rule | undefined {
  return RULES.find((r) => r.path.test(path));
}

/** The kernel's outcome for one write(2) of `bytes` to `path` (count 0 never reaches store: 0). */
export function expectedOutcome(path: string, bytes: Buffer, facts: TreeFacts): Outcome {
  const rule = ruleFor(path);
  if (!rule) throw new Error(`no bad-input rule for ${path}`);
  // fs/sysfs/file.c sysfs_kf_write: !count → 0 without calling store.
  if (bytes.length === 0) return { kind: 'accept' };
  return rule.outcome(written(bytes), path, facts);
}
