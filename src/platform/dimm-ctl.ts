// The provider's ctl for DIMM commands: how a command that passed the
// libnvdimm core's checks reaches a DSM function. ACPI NFIT
// (drivers/acpi/nfit/core.c acpi_nfit_ctl) and nfit_test
// (tools/testing/nvdimm/test/nfit.c nfit_test_ctl) differ in which
// functions come through which door and what they check.
import { ERRNO } from '../kernel/errno.js';
import { evaluate, type DsmCaller } from './dsm-evaluate.js';
import type { DimmDsmContext } from './intel-dimm-dsm.js';
import { INTEL_DIMM_DSM } from './intel-dimm-dsm.js';
import { ND_CMD, ND_CMD_PKG, ND_CMD_PKG_RESERVED } from './nd-cmd-payloads.js';
import { decode, encode } from './payload.js';

export const NVDIMM_FAMILY_INTEL = 0;

/** What a ctl needs to know about the DIMM it serves. */
export interface CtlDimm extends DsmCaller {
  readonly family: number | undefined;
  /** ND_CMD_* bits the DIMM accepts as classic ioctls (nvdimm->cmd_mask). */
  readonly cmdMask: number;
  readonly ndCmdCall: boolean;
  readonly context: DimmDsmContext;
  /** Whether function `fn` is in the DIMM's dsm_mask. */
  implements(fn: number): boolean;
  /** nfit_test's fail_cmd hook, applied after the function ran. */
  overrideReturnCode(fn: number, rc: number): number;
}

/** A DIMM ctl: `buf` is the whole ioctl buffer (nd_cmd_pkg header first for ND_CMD_CALL). */
export type DimmCtl = (dimm: CtlDimm, cmd: number, buf: Buffer) => number;

function intelFunction(dimm: CtlDimm, fn: number) {
  return dimm.family === NVDIMM_FAMILY_INTEL ? INTEL_DIMM_DSM.get(fn) : undefined;
}

/** The payload of an ND_CMD_CALL: size_in + size_out bytes after the header. */
function callPayload(buf: Buffer): { fn: number; family: bigint; payload: Buffer; sizeIn: number } {
  const pkg = decode(ND_CMD_PKG, buf);
  const end = Math.min(buf.length, ND_CMD_PKG.size + pkg.sizeIn + pkg.sizeOut);
  // nfit_test_ctl and cmd_to_func keep nd_command in an unsigned int / int: 2^32 + 1 is function 1.
  return { fn: Number(BigInt.asUintN(32, pkg.command)), family: pkg.family, payload: buf.subarray(ND_CMD_PKG.size, end), sizeIn: pkg.sizeIn };
}

/** The label commands nfit_test serves only as classic ioctls, never through ND_CMD_CALL. */
const NFIT_TEST_CLASSIC = new Set<number>([ND_CMD.GET_CONFIG_SIZE, ND_CMD.GET_CONFIG_DATA, ND_CMD.SET_CONFIG_DATA]);

/** nfit_test_ctl() for a DIMM. */
const nfitTestCtl: DimmCtl = (dimm, cmd, buf) => {
  if (cmd === ND_CMD.CALL) {
    const { fn, family, payload, sizeIn } = callPayload(buf);
    if (dimm.family === undefined || family !== BigInt(dimm.family)) return -ERRNO.ENOTTY;
    // "ND_CMD_CALL only valid for nfit_test0" (a WARN, then -EINVAL).
    if (!dimm.ndCmdCall) return -ERRNO.EINVAL;
    const entry = NFIT_TEST_CLASSIC.has(fn) ? undefined : intelFunction(dimm, fn);
    if (!entry) return -ERRNO.ENOTTY;
    return dimm.overrideReturnCode(fn, evaluate(dimm, fn, entry, dimm.context, payload, sizeIn));
  }
  if (!((dimm.cmdMask >>> cmd) & 1) || !dimm.implements(cmd)) return -ERRNO.ENOTTY;
  const entry = NFIT_TEST_CLASSIC.has(cmd) ? intelFunction(dimm, cmd) : undefined;
  if (!entry) return -ERRNO.ENOTTY;
  return dimm.overrideReturnCode(cmd, evaluate(dimm, cmd, entry, dimm.context, buf, null));
};

/** acpi_nfit_ctl() for a DIMM: every function in dsm_mask, through either door. */
const acpiCtl: DimmCtl = (dimm, cmd, buf) => {
  let fn = cmd;
  let payload = buf;
  let sizeIn: number | null = null;
  if (cmd === ND_CMD.CALL) {
    const call = callPayload(buf);
    if (dimm.family === undefined || call.family !== BigInt(dimm.family)) return -ERRNO.ENOTTY;
    const { offset, length } = ND_CMD_PKG_RESERVED;
    if (buf.subarray(offset, offset + length).some((b) => b !== 0)) return -ERRNO.EINVAL;
    ({ fn, payload, sizeIn } = call);
  }
  if (!dimm.implements(fn)) return -ERRNO.ENOTTY;
  const entry = intelFunction(dimm, fn);
  // A function the firmware lists but cannot evaluate: _DSM fails, -EINVAL.
  if (!entry) return -ERRNO.EINVAL;
  const rc = evaluate(dimm, fn, entry, dimm.context, payload, sizeIn);
  if (rc < 0 || cmd !== ND_CMD.CALL) return rc;
  // The firmware filled the whole output; ND_CMD_CALL itself returns 0.
  encode(ND_CMD_PKG, buf, { fwSize: decode(ND_CMD_PKG, buf).sizeOut });
  return 0;
};

export const DIMM_CTL: Readonly<Record<'acpi' | 'nfit_test', DimmCtl>> = { acpi: acpiCtl, nfit_test: nfitTestCtl };
