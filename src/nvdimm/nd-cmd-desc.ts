// The command descriptors of drivers/nvdimm/bus.c (__nd_cmd_dimm_descs,
// __nd_cmd_bus_descs): the input and output fields of each ND_CMD_*, whose
// sizes tell the core how many bytes to copy in from userspace. VAR marks a
// size the core reads from fields already copied (nd_cmd_in_size,
// nd_cmd_out_size).
import { ND_CMD } from '../platform/nd-cmd-payloads.js';

export const VAR = -1;
/**
 * UINT_MAX: no size known, the command is malformed. The kernel compares
 * every size with it, computed ones included, so an nd_size_in, in_length
 * or nd_size_out of 0xffffffff (or an ARS status out_length of 7, whose
 * "- 8" wraps to it) is "unknown" too: ENXIO on input, EFAULT on output.
 */
export const UNKNOWN = 0xffff_ffff;

export interface NdCmdDesc {
  readonly name: string;
  readonly inSizes: readonly number[];
  readonly outSizes: readonly number[];
}

const d = (name: string, inSizes: number[], outSizes: number[]): NdCmdDesc => ({ name, inSizes, outSizes });

/** sizeof(struct nd_cmd_pkg) */
const PKG = 64;

export const DIMM_CMD_DESC: ReadonlyMap<number, NdCmdDesc> = new Map([
  [ND_CMD.IMPLEMENTED, d('implemented', [], [])],
  [ND_CMD.SMART, d('smart', [], [4, 128])],
  [ND_CMD.SMART_THRESHOLD, d('smart_thresh', [], [4, 8])],
  [ND_CMD.DIMM_FLAGS, d('flags', [], [4, 4])],
  [ND_CMD.GET_CONFIG_SIZE, d('get_size', [], [4, 4, 4])],
  [ND_CMD.GET_CONFIG_DATA, d('get_data', [4, 4], [4, VAR])],
  [ND_CMD.SET_CONFIG_DATA, d('set_data', [4, 4, VAR], [4])],
  [ND_CMD.VENDOR_EFFECT_LOG_SIZE, d('effect_size', [], [])],
  [ND_CMD.VENDOR_EFFECT_LOG, d('effect_log', [], [])],
  [ND_CMD.VENDOR, d('vendor', [4, 4, VAR], [4, 4, VAR])],
  [ND_CMD.CALL, d('cmd_call', [PKG, VAR], [VAR])],
]);

export const BUS_CMD_DESC: ReadonlyMap<number, NdCmdDesc> = new Map([
  [ND_CMD.IMPLEMENTED, d('implemented', [], [])],
  [ND_CMD.ARS_CAP, d('ars_cap', [8, 8], [4, 4, 4, 4])],
  [ND_CMD.ARS_START, d('ars_start', [8, 8, 2, 1, 5], [4, 4])],
  [ND_CMD.ARS_STATUS, d('ars_status', [], [4, 4, VAR])],
  [ND_CMD.CLEAR_ERROR, d('clear_error', [8, 8], [4, 4, 8])],
  [ND_CMD.CALL, d('cmd_call', [PKG, VAR], [VAR])],
]);

/**
 * nvdimm_cmd_name() / nvdimm_bus_cmd_name(): the names the `commands`
 * attributes print, taken from the same descriptors (IMPLEMENTED is never listed).
 */
function names(descs: ReadonlyMap<number, NdCmdDesc>): Readonly<Record<number, string>> {
  return Object.fromEntries([...descs].filter(([cmd]) => cmd !== ND_CMD.IMPLEMENTED).map(([cmd, desc]) => [cmd, desc.name]));
}
export const DIMM_CMD_NAMES = names(DIMM_CMD_DESC);
export const BUS_CMD_NAMES = names(BUS_CMD_DESC);

/** Commands refused on a descriptor opened without write access. */
export const WRITE_COMMANDS: ReadonlySet<number> = new Set([ND_CMD.VENDOR, ND_CMD.SET_CONFIG_DATA, ND_CMD.ARS_START, ND_CMD.CLEAR_ERROR, ND_CMD.CALL]);

/** nd_cmd_in_size(): field `idx` of the input envelope, given what was copied so far. */
export function inSize(isDimm: boolean, cmd: number, desc: NdCmdDesc, idx: number, inEnv: Buffer): number {
  const size = desc.inSizes[idx];
  if (size === undefined) return UNKNOWN;
  if (size !== VAR) return size;
  if (isDimm && (cmd === ND_CMD.SET_CONFIG_DATA || cmd === ND_CMD.VENDOR) && idx === 2) return inEnv.readUInt32LE(4);
  if (cmd === ND_CMD.CALL) return inEnv.readUInt32LE(16);
  return UNKNOWN;
}

/**
 * nd_cmd_out_size(): field `idx` of the output envelope. The core passes a
 * zero remainder from __nd_ioctl, so the ARS status "includes status"
 * guess never fires there.
 */
export function outSize(isDimm: boolean, cmd: number, desc: NdCmdDesc, idx: number, inEnv: Buffer, outEnv: Buffer): number {
  const size = desc.outSizes[idx];
  if (size === undefined) return UNKNOWN;
  if (size !== VAR) return size;
  if (isDimm && cmd === ND_CMD.GET_CONFIG_DATA && idx === 1) return inEnv.readUInt32LE(4);
  if (isDimm && cmd === ND_CMD.VENDOR && idx === 2) return outEnv.readUInt32LE(4);
  if (!isDimm && cmd === ND_CMD.ARS_STATUS && idx === 2) {
    const outLength = outEnv.readUInt32LE(4);
    if (outLength < 4) return 0;
    if (outLength - 4 === 0) return 0;
    return (outLength - 8) >>> 0;
  }
  if (cmd === ND_CMD.CALL) return inEnv.readUInt32LE(20);
  return UNKNOWN;
}
