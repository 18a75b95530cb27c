// The Intel DIMM DSM functions the simulated platform implements, as
// nfit_test answers them (tools/testing/nvdimm/test/nfit.c, nfit_test_ctl).
import { ERRNO } from '../kernel/errno.js';
import type { BusActivation } from './bus-activation.js';
import type { DimmFirmware } from './dimm-firmware.js';
import { withLayout, type DsmTable } from './dsm-table.js';
import { ARM, DIMMINFO, FW_FINISH, FW_INFO, FW_QUERY, FW_SEND_HEADER, FW_START, INTEL_FN } from './intel-payloads.js';
import { decode, encode } from './payload.js';

export interface DimmDsmContext {
  readonly firmware: DimmFirmware;
  /** Absent when the bus has no activation support. */
  readonly activation: BusActivation | undefined;
}

export const INTEL_DIMM_DSM: DsmTable<DimmDsmContext> = new Map([
  [
    INTEL_FN.FW_GET_INFO,
    {
      name: 'fw_get_info',
      handler: withLayout(FW_INFO, ({ firmware }, p) => {
        const s = firmware.spec;
        encode(FW_INFO, p, {
          status: 0,
          storageSize: s.storageSize,
          maxSendLen: s.maxSendLen,
          queryInterval: s.queryIntervalUs,
          maxQueryTime: s.maxQueryTimeUs,
          updateCap: 0,
          fisVersion: s.fisVersion,
          runVersion: s.runVersion,
          updatedVersion: firmware.version,
        });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_START_UPDATE,
    {
      name: 'fw_start_update',
      handler: withLayout(FW_START, ({ firmware }, p) => {
        encode(FW_START, p, firmware.start());
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_SEND_DATA,
    {
      name: 'fw_send_data',
      handler: withLayout(FW_SEND_HEADER, ({ firmware }, p) => {
        const { context, offset, length } = decode(FW_SEND_HEADER, p);
        // The status word sits right after data[length]; refuse a payload too
        // short to hold it instead of writing past the caller's buffer.
        const statusAt = FW_SEND_HEADER.size + length;
        if (statusAt + 4 > p.length) return -ERRNO.EINVAL;
        p.writeUInt32LE(firmware.send(context, offset, length), statusAt);
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_FINISH_UPDATE,
    {
      name: 'fw_finish_update',
      handler: withLayout(FW_FINISH, ({ firmware }, p) => {
        const { ctrlFlags, context } = decode(FW_FINISH, p);
        const status = firmware.finish(ctrlFlags, context);
        if (status === null) return -ERRNO.EINVAL;
        encode(FW_FINISH, p, { status });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_FINISH_QUERY,
    {
      name: 'fw_finish_query',
      handler: withLayout(FW_QUERY, ({ firmware }, p) => {
        encode(FW_QUERY, p, firmware.query(decode(FW_QUERY, p).context));
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_ACTIVATE_DIMMINFO,
    {
      name: 'fw_activate_dimminfo',
      handler: withLayout(DIMMINFO, ({ firmware, activation }, p) => {
        if (!activation) return -ERRNO.ENOTTY;
        p.fill(0, 0, DIMMINFO.size);
        encode(DIMMINFO, p, { status: 0, ...activation.dimmInfo(firmware) });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.FW_ACTIVATE_ARM,
    {
      name: 'fw_activate_arm',
      handler: withLayout(ARM, ({ firmware, activation }, p) => {
        if (!activation) return -ERRNO.ENOTTY;
        // ND_INTEL_DIMM_FWA_ARM is 1; no validation: arming an unstaged DIMM is allowed.
        firmware.armed = decode(ARM, p).activateArm === 1;
        encode(ARM, p, { status: 0 });
        return 0;
      }),
    },
  ],
]);
