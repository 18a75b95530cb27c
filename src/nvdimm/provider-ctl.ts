// nd_desc->ndctl() for the DIMM commands the libnvdimm core issues on its
// own behalf (label reads and writes): the provider's return code plus the
// command status it translated (the cmd_rc out-parameter). ACPI NFIT
// (acpi_nfit_ctl + xlat_nvdimm_status) turns a non-zero firmware status
// into an errno; nfit_test_ctl always leaves cmd_rc at 0.
import { ERRNO } from '../kernel/errno.js';
import { GET_CONFIG_DATA, GET_CONFIG_SIZE, ND_CMD, SET_CONFIG_DATA } from '../platform/nd-cmd-payloads.js';
import type { Nvdimm } from './dimm.js';

export interface NdctlResult {
  /** 0, the bytes left unfilled, or a negative errno from the provider. */
  readonly rc: number;
  /** The translated firmware status: 0 or a negative errno. */
  readonly cmdRc: number;
}

/** ND_CONFIG_LOCKED, in the extended status (upper 16 bits) of get_config_size. */
const ND_CONFIG_LOCKED = 1;

/** Where acpi_nfit_ctl finds fw_status: the first output word of each label command. */
function statusWord(cmd: number, buf: Buffer): number | undefined {
  let at: number;
  if (cmd === ND_CMD.GET_CONFIG_SIZE) at = GET_CONFIG_SIZE.fields.status.offset;
  else if (cmd === ND_CMD.GET_CONFIG_DATA) at = GET_CONFIG_DATA.fields.status.offset;
  else if (cmd === ND_CMD.SET_CONFIG_DATA) at = SET_CONFIG_DATA.size + buf.readUInt32LE(SET_CONFIG_DATA.fields.inLength.offset);
  else return undefined;
  return at + 4 <= buf.length ? buf.readUInt32LE(at) : undefined;
}

/** xlat_nvdimm_status() for the label commands (the _LSI/_LSR path is not modelled). */
function xlatNvdimmStatus(cmd: number, status: number): number {
  if (cmd === ND_CMD.GET_CONFIG_SIZE && ((status >>> 16) & ND_CONFIG_LOCKED) !== 0) return -ERRNO.EACCES;
  return status !== 0 ? -ERRNO.EIO : 0;
}

export function ndctl(dimm: Nvdimm, cmd: number, buf: Buffer): NdctlResult {
  const rc = dimm.platform.ctl(cmd, buf);
  if (dimm.bus.platform.spec.nfit.ctl === 'nfit_test') return { rc, cmdRc: 0 };
  // acpi_nfit_ctl() starts cmd_rc at -EINVAL and only translates a status it received.
  if (rc < 0) return { rc, cmdRc: -ERRNO.EINVAL };
  const status = statusWord(cmd, buf);
  return { rc, cmdRc: status === undefined ? 0 : xlatNvdimmStatus(cmd, status) };
}
