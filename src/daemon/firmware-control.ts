// /.ndsim/firmware/nmemN: drive a DIMM's firmware-update DSMs without
// ndctl, for tests and tools that exercise activation only. The commands
// issue the same Intel DSM sequence ndctl update-firmware does, through
// the model's nvdimm_ctl path:
//   stage [BYTES]  get-info, start, send BYTES (default 64 KiB) in
//                  max_send_len chunks, finish: the DIMM then verifies
//                  for the platform's verify time
//   query          finish-query: completes a verified update
//   abort          finish with the abort flag
// Reading shows the firmware's view: state, context, bytes and version.
import { KernelError } from '../kernel/errno.js';
import { kstrtoull } from '../kernel/parse.js';
import type { Nvdimm } from '../nvdimm/dimm.js';
import { FW_STATUS } from '../platform/dimm-firmware.js';
import { FW_FINISH, FW_INFO, FW_QUERY, FW_SEND_HEADER, FW_START, INTEL_FN } from '../platform/intel-payloads.js';
import { NVDIMM_FAMILY_INTEL } from '../platform/nfit-platform.js';
import { build, decode, encode } from '../platform/payload.js';
import { attrFile } from '../sysfs/attr-file.js';
import { mkdirp, type DirNode } from '../sysfs/node.js';

const DEFAULT_IMAGE = 64 * 1024;
const UPDATE_FUNCTIONS = [INTEL_FN.FW_GET_INFO, INTEL_FN.FW_START_UPDATE, INTEL_FN.FW_SEND_DATA, INTEL_FN.FW_FINISH_UPDATE, INTEL_FN.FW_FINISH_QUERY];

/** Run one DSM; a failed call or a non-zero status becomes an errno. */
function call(dimm: Nvdimm, fn: number, payload: Buffer): Buffer {
  const rc = dimm.ctl(NVDIMM_FAMILY_INTEL, fn, payload);
  if (rc < 0) throw KernelError.fromErrno(-rc);
  return payload;
}

function statusErrno(status: number): KernelError {
  // Another update in progress / already staged / still verifying read as busy.
  if (status === FW_STATUS.IN_PROGRESS || status === FW_STATUS.ALREADY_DONE_OR_BUSY || status === FW_STATUS.RETRY) return new KernelError('EBUSY');
  return new KernelError('EIO', `firmware status ${status.toString(16)}`);
}

function stage(dimm: Nvdimm, bytes: number): void {
  const info = decode(FW_INFO, call(dimm, INTEL_FN.FW_GET_INFO, build(FW_INFO)));
  if (bytes === 0 || bytes > info.storageSize) throw new KernelError('EFBIG');
  const start = decode(FW_START, call(dimm, INTEL_FN.FW_START_UPDATE, build(FW_START)));
  if (start.status !== 0) throw statusErrno(start.status);
  for (let offset = 0; offset < bytes; offset += info.maxSendLen) {
    const length = Math.min(info.maxSendLen, bytes - offset);
    const payload = Buffer.alloc(FW_SEND_HEADER.size + length + 4);
    encode(FW_SEND_HEADER, payload, { context: start.context, offset, length });
    const status = call(dimm, INTEL_FN.FW_SEND_DATA, payload).readUInt32LE(FW_SEND_HEADER.size + length);
    if (status !== 0) throw statusErrno(status);
  }
  const finish = decode(FW_FINISH, call(dimm, INTEL_FN.FW_FINISH_UPDATE, build(FW_FINISH, { ctrlFlags: 0, context: start.context })));
  if (finish.status !== 0) throw statusErrno(finish.status);
}

function query(dimm: Nvdimm): void {
  const q = decode(FW_QUERY, call(dimm, INTEL_FN.FW_FINISH_QUERY, build(FW_QUERY, { context: dimm.platform.firmware.context })));
  if (q.status !== 0) throw statusErrno(q.status);
}

function abort(dimm: Nvdimm): void {
  const f = decode(FW_FINISH, call(dimm, INTEL_FN.FW_FINISH_UPDATE, build(FW_FINISH, { ctrlFlags: 1, context: dimm.platform.firmware.context })));
  if (f.status !== FW_STATUS.ABORTED_OR_SEQUENCE) throw statusErrno(f.status);
}

function show(dimm: Nvdimm): string {
  const fw = dimm.platform.firmware;
  return `state ${fw.state}\ncontext ${fw.context}\nreceived ${fw.sizeReceived}\nversion 0x${fw.version.toString(16)}\narmed ${fw.armed ? 1 : 0}\n`;
}

export function addFirmwareControls(root: DirNode, controlDir: string, dimms: readonly Nvdimm[]): void {
  const d = mkdirp(root, `${controlDir}/firmware`);
  for (const dimm of dimms) {
    // Only DIMMs that implement the update functions 12-16 get a control file.
    if (!UPDATE_FUNCTIONS.every((fn) => dimm.platform.implements(fn))) continue;
    d.entries.set(
      dimm.name,
      attrFile(dimm, 0o644, show, (dev, buf, count) => {
        const [cmd = '', arg] = buf.trim().split(/\s+/);
        if (cmd === 'stage') stage(dev, arg === undefined ? DEFAULT_IMAGE : Number(kstrtoull(arg)));
        else if (cmd === 'query') query(dev);
        else if (cmd === 'abort') abort(dev);
        else throw new KernelError('EINVAL');
        return count;
      }),
    );
  }
}
