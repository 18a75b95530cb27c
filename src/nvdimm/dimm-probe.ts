// The nvdimm driver (drivers/nvdimm/dimm.c): what binding a DIMM does.
// nvdimm_probe() reads the label area through the provider and decides
// NDD_LABELING; nvdimm_remove() drops the driver data.
import { ERRNO } from '../kernel/errno.js';
import { checkConfigData, initNsarea } from './config-data.js';
import type { Nvdimm } from './dimm.js';
import { NvdimmDrvdata } from './dimm-drvdata.js';

/** nvdimm_probe(): 0, or the negative errno the bind fails with. */
export function nvdimmProbe(dimm: Nvdimm): number {
  // Without label commands the DIMM binds with no driver data (NVDIMM-N style).
  let rc = checkConfigData(dimm);
  if (rc) return rc === -ERRNO.ENOTTY ? 0 : rc;

  // The lock bit reflects the label commands' status; it is re-learned on every probe.
  dimm.flags.locked = false;
  const ndd = new NvdimmDrvdata(dimm);
  dimm.drvdata = ndd;

  // get_config_size failing with -EACCES means the capacity is locked but labels are readable.
  rc = initNsarea(ndd);
  if (rc === -ERRNO.EACCES) {
    dimm.flags.locked = true;
    rc = 0;
  }
  if (rc === 0) {
    // -EACCES reading the data means the labels themselves are locked: fail the probe.
    rc = ndd.labelDataInit();
    if (rc === -ERRNO.EACCES) dimm.flags.locked = true;
  }
  if (rc === 0 && ndd.nsCurrent >= 0) {
    rc = ndd.reserveLabelDpa();
    // NDD_LABELING is only ever set: a later probe that finds no index leaves it on.
    if (rc === 0) dimm.flags.labeling = true;
  }
  if (rc !== 0) {
    // The driver core clears drvdata when a probe fails (device_unbind_cleanup).
    dimm.drvdata = undefined;
    // A positive count left unfilled cannot come back with exact-size commands; count it as I/O failure.
    return rc < 0 ? rc : -ERRNO.EIO;
  }
  return 0;
}

/** nvdimm_remove(): the DIMM keeps its flags but loses its driver data. */
export function nvdimmRemove(dimm: Nvdimm): void {
  dimm.drvdata = undefined;
}
