// The libnvdimm core's ioctl path (drivers/nvdimm/bus.c nd_ioctl,
// __nd_ioctl, nd_cmd_clear_to_send) for /dev/ndctlN and /dev/nmemN: the
// same checks in the same order with the same errnos, then the provider's
// ctl. The caller may not have the whole argument buffer yet: the core asks
// for as many leading bytes as the command needs, like copy_from_user does.
import { ERRNO } from '../kernel/errno.js';
import { ND_CMD, ND_CMD_PKG } from '../platform/nd-cmd-payloads.js';
import { NVDIMM_BUS_FAMILY_NFIT, NVDIMM_FAMILY_INTEL } from '../platform/nfit-platform.js';
import { decode } from '../platform/payload.js';
import type { NvdimmBus } from './bus.js';
import type { Nvdimm } from './dimm.js';
import { BUS_CMD_DESC, DIMM_CMD_DESC, inSize, outSize, UNKNOWN, WRITE_COMMANDS } from './nd-cmd-desc.js';

/** ND_IOCTL_MAX_BUFLEN */
export const ND_IOCTL_MAX_BUFLEN = 4 * 1024 * 1024;
/** ND_CMD_MAX_ENVELOPE: how much of each envelope the core copies to size the rest. */
const ND_CMD_MAX_ENVELOPE = 256;
const NVDIMM_FAMILY_MAX = 5;
const NVDIMM_BUS_FAMILY_MAX = 1;
/** NVDIMM_INTEL_DENY_CMDMASK: security (19-28) and firmware activation (29-30). */
const INTEL_DENY_CMDMASK = 0x7ff80000;
const NVDIMM_CMD_MAX = 31;

/** Bytes of the caller's argument, by offset from its start. */
export interface ArgRange {
  readonly offset: number;
  readonly length: number;
}

export type IoctlOutcome =
  /** Send the first `need` bytes of the argument and ask again. */
  | { readonly need: number }
  /** The ioctl's result: a negative errno, or a return value and the buffer to copy back. */
  | { readonly ret: number; readonly out?: Buffer }
  /**
   * `ret` (a negative errno) unless `unlessFault` cannot be read, which
   * makes it EFAULT: an envelope copy lay further in than the caller may
   * be asked for, and only its readability decides the answer.
   */
  | { readonly ret: number; readonly unlessFault: ArgRange };

/** What an open control node refers to (nd_open keeps only the minor). */
export interface ControlNode {
  readonly kind: 'bus' | 'dimm';
  readonly minor: number;
  /** Opened O_RDONLY: write commands fail with EPERM. */
  readonly readOnly: boolean;
}

export interface IoctlSystem {
  readonly buses: readonly NvdimmBus[];
  readonly dimms: readonly Nvdimm[];
  /** Regions, for the pmem block devices their namespaces registered. */
  readonly regions: readonly { readonly namespaces: readonly { readonly disk?: { readonly name: string } | undefined }[] }[];
}

class NeedBytes {
  constructor(readonly n: number) {}
}

const fail = (errno: number): IoctlOutcome => ({ ret: -errno });

/**
 * nd_ioctl(): find the bus or DIMM behind the node, then __nd_ioctl().
 * `maxNeed`: the most leading bytes the caller can be asked for (the
 * transport's limit); it must be over ND_IOCTL_MAX_BUFLEN.
 */
export function ndIoctl(system: IoctlSystem, node: ControlNode, request: number, arg: Buffer, maxNeed = Number.POSITIVE_INFINITY): IoctlOutcome {
  if (maxNeed <= ND_IOCTL_MAX_BUFLEN + ND_CMD_MAX_ENVELOPE) throw new RangeError(`maxNeed ${maxNeed} cannot carry an ioctl buffer`);
  const dimm = node.kind === 'dimm' ? system.dimms.find((d) => d.id === node.minor) : undefined;
  const bus = node.kind === 'dimm' ? dimm?.bus : system.buses.find((b) => b.id === node.minor);
  if (!bus) return fail(ERRNO.ENXIO);
  try {
    return ndIoctlOn(bus, dimm, node.readOnly, request, arg, maxNeed);
  } catch (e) {
    if (e instanceof NeedBytes) return { need: e.n };
    throw e;
  }
}

function ndIoctlOn(bus: NvdimmBus, dimm: Nvdimm | undefined, readOnly: boolean, request: number, arg: Buffer, maxNeed: number): IoctlOutcome {
  /** copy_from_user of the first n bytes. */
  const bytes = (n: number): Buffer => {
    if (arg.length < n) throw new NeedBytes(n);
    return arg.subarray(0, n);
  };
  // Only _IOC_NR counts: type, size and direction bits are never checked.
  const cmd = request & 0xff;
  const desc = (dimm ? DIMM_CMD_DESC : BUS_CMD_DESC).get(cmd);
  const cmdMask = dimm ? dimm.cmdMask : bus.cmdMask;

  if (cmd === ND_CMD.CALL) {
    const family = decode(ND_CMD_PKG, bytes(ND_CMD_PKG.size)).family;
    const max = dimm ? NVDIMM_FAMILY_MAX : NVDIMM_BUS_FAMILY_MAX;
    const mask = dimm ? bus.platform.dimmFamilyMask : bus.platform.busFamilyMask;
    if (family > BigInt(max) || !((mask >>> Number(family)) & 1)) return fail(ERRNO.EINVAL);
  }
  if (!desc || desc.inSizes.length + desc.outSizes.length === 0 || cmd > ND_CMD.CALL || !((cmdMask >>> cmd) & 1)) return fail(ERRNO.ENOTTY);
  if (readOnly && WRITE_COMMANDS.has(cmd)) return fail(ERRNO.EPERM);

  const inEnv = Buffer.alloc(ND_CMD_MAX_ENVELOPE);
  let inLen = 0;
  for (let i = 0; i < desc.inSizes.length; i++) {
    const size = inSize(dimm !== undefined, cmd, desc, i, inEnv);
    if (size === UNKNOWN) return fail(ERRNO.ENXIO);
    const copy = inLen < ND_CMD_MAX_ENVELOPE ? Math.min(ND_CMD_MAX_ENVELOPE - inLen, size) : 0;
    if (copy) bytes(inLen + copy).copy(inEnv, inLen, inLen);
    inLen += size;
  }
  // The output envelope sits right after the whole input: with a large
  // VAR input size (nd_size_in, in_length) that can be further in than the
  // caller may be asked for. Such bytes stay unseen (zero here); the buffer
  // is then over ND_IOCTL_MAX_BUFLEN anyway, so the answer is EINVAL unless
  // their copy_from_user faults, which the caller decides. Output envelope
  // copies are contiguous, so one range covers them. (The kernel's in_len
  // is a u32: where 64 + nd_size_in wraps, it carries on with a short
  // buffer and its provider reads past it; ndsim keeps counting.)
  const outEnv = Buffer.alloc(ND_CMD_MAX_ENVELOPE);
  let outLen = 0;
  let unseen: ArgRange | undefined;
  for (let i = 0; i < desc.outSizes.length; i++) {
    const size = outSize(dimm !== undefined, cmd, desc, i, inEnv, outEnv);
    if (size === UNKNOWN) return fail(ERRNO.EFAULT);
    const copy = outLen < ND_CMD_MAX_ENVELOPE ? Math.min(ND_CMD_MAX_ENVELOPE - outLen, size) : 0;
    const from = inLen + outLen;
    if (copy && (unseen || from + copy > maxNeed)) unseen = { offset: unseen?.offset ?? from, length: from + copy - (unseen?.offset ?? from) };
    else if (copy) bytes(from + copy).copy(outEnv, outLen, from);
    outLen += size;
  }
  const bufLen = inLen + outLen;
  if (bufLen > ND_IOCTL_MAX_BUFLEN) return unseen ? { ret: -ERRNO.EINVAL, unlessFault: unseen } : fail(ERRNO.EINVAL);
  // vmalloc() + copy_from_user() of the whole buffer; the provider works on a copy.
  const buf = Buffer.from(bytes(bufLen));
  // func is an unsigned int: the u64 nd_command loses its high half.
  const func = cmd === ND_CMD.CALL ? Number(BigInt.asUintN(32, decode(ND_CMD_PKG, buf).command)) : cmd;

  const blocked = clearToSend(bus, dimm, cmd, func, buf);
  if (blocked) return fail(blocked);
  const rc = dimm ? dimm.platform.ctl(cmd, buf) : bus.platform.ctl(cmd, buf);
  if (rc < 0) return { ret: rc };
  return { ret: rc, out: buf };
}

/**
 * nd_cmd_clear_to_send(), with the NFIT provider's hook first. The core
 * hands the hook the function number, not the ioctl command, so the
 * hook's ND_CMD_CALL rules only fire when that function happens to be 10
 * and its ARS rule fires for any function 2 (acpi_nfit_clear_to_send).
 */
function clearToSend(bus: NvdimmBus, dimm: Nvdimm | undefined, cmd: number, func: number, buf: Buffer): number {
  if (func === ND_CMD.CALL && cmd === ND_CMD.CALL) {
    const pkg = decode(ND_CMD_PKG, buf);
    const fn = Number(BigInt.asUintN(32, pkg.command));
    if (dimm && pkg.family === BigInt(NVDIMM_FAMILY_INTEL) && (fn > NVDIMM_CMD_MAX || (INTEL_DENY_CMDMASK >>> fn) & 1)) return ERRNO.EOPNOTSUPP;
    if (!dimm && pkg.family !== BigInt(NVDIMM_BUS_FAMILY_NFIT)) return ERRNO.EOPNOTSUPP;
  }
  if (!dimm && func === ND_CMD.ARS_START && bus.scrub?.running) return ERRNO.EBUSY;
  // Labels belong to the kernel while an enabled region uses the DIMM.
  if (dimm && func === ND_CMD.SET_CONFIG_DATA && dimm.busy > 0) return ERRNO.EBUSY;
  return 0;
}
