// The label area as the libnvdimm core reaches it (drivers/nvdimm/dimm_devs.c
// nvdimm_check_config_data, nvdimm_init_nsarea, nvdimm_get_config_data,
// nvdimm_set_config_data): ND_CMD_GET_CONFIG_SIZE once, then data in
// chunks of at most max_xfer, all through the provider's ctl so that
// fault injection (nfit_test's fail_cmd) applies as it does in the kernel.
import { ERRNO } from '../kernel/errno.js';
import { build, decode, encode } from '../platform/payload.js';
import { GET_CONFIG_DATA, GET_CONFIG_SIZE, ND_CMD, SET_CONFIG_DATA } from '../platform/nd-cmd-payloads.js';
import type { Nvdimm } from './dimm.js';
import type { NvdimmDrvdata } from './dimm-drvdata.js';
import { ndctl } from './provider-ctl.js';

/**
 * nvdimm_check_config_data(): a DIMM without get_config_data has no label
 * area; that is fine (-ENOTTY) unless it was already found labelled.
 */
export function checkConfigData(dimm: Nvdimm): number {
  if (dimm.cmdMask === 0 || ((dimm.cmdMask >>> ND_CMD.GET_CONFIG_DATA) & 1) === 0) return dimm.flags.labeling ? -ERRNO.ENXIO : -ERRNO.ENOTTY;
  return 0;
}

/** nvdimm_init_nsarea(): ask for the area's size and transfer limit once. */
export function initNsarea(ndd: NvdimmDrvdata): number {
  const rc = checkConfigData(ndd.dimm);
  if (rc) return rc;
  if (ndd.nsarea.configSize) return 0;
  const buf = build(GET_CONFIG_SIZE);
  const r = ndctl(ndd.dimm, ND_CMD.GET_CONFIG_SIZE, buf);
  // The command buffer is ndd->nsarea itself: whatever came back stays.
  ndd.nsarea = decode(GET_CONFIG_SIZE, buf);
  if (r.rc < 0) return r.rc;
  return r.cmdRc;
}

/**
 * nvdimm_get_config_data(): read `len` bytes at `offset` into `into`. The
 * result is the last call's: 0, or a negative errno that stopped the loop.
 */
export function getConfigData(ndd: NvdimmDrvdata, into: Buffer, offset: number, len: number): number {
  const rc = checkConfigData(ndd.dimm);
  if (rc) return rc;
  if (offset + len > ndd.nsarea.configSize) return -ERRNO.ENXIO;
  const maxCmd = Math.min(len, ndd.nsarea.maxXfer);
  let result = 0;
  for (let done = 0; done < len; ) {
    const inLength = Math.min(maxCmd, len - done);
    const cmd = Buffer.alloc(GET_CONFIG_DATA.size + inLength);
    encode(GET_CONFIG_DATA, cmd, { inOffset: offset + done, inLength });
    const r = ndctl(ndd.dimm, ND_CMD.GET_CONFIG_DATA, cmd);
    result = r.rc;
    if (r.rc < 0) break;
    if (r.cmdRc < 0) {
      result = r.cmdRc;
      break;
    }
    cmd.copy(into, done, GET_CONFIG_DATA.size, GET_CONFIG_DATA.size + inLength);
    done += inLength;
  }
  return result;
}

/** nvdimm_set_config_data(): write `bytes` at `offset`, chunked like a read. */
export function setConfigData(ndd: NvdimmDrvdata, offset: number, bytes: Buffer): number {
  const rc = checkConfigData(ndd.dimm);
  if (rc) return rc;
  const len = bytes.length;
  if (offset + len > ndd.nsarea.configSize) return -ERRNO.ENXIO;
  const maxCmd = Math.min(len, ndd.nsarea.maxXfer);
  let result = 0;
  for (let done = 0; done < len; ) {
    const inLength = Math.min(maxCmd, len - done);
    // The status word comes back in the last four bytes.
    const cmd = Buffer.alloc(SET_CONFIG_DATA.size + inLength + 4);
    encode(SET_CONFIG_DATA, cmd, { inOffset: offset + done, inLength });
    bytes.copy(cmd, SET_CONFIG_DATA.size, done, done + inLength);
    const r = ndctl(ndd.dimm, ND_CMD.SET_CONFIG_DATA, cmd);
    result = r.rc;
    if (r.rc < 0) break;
    if (r.cmdRc < 0) {
      result = r.cmdRc;
      break;
    }
    done += inLength;
  }
  return result;
}
