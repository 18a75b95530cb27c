// The Intel DIMM DSM functions the simulated platform implements, as
// nfit_test answers them (tools/testing/nvdimm/test/nfit.c, nfit_test_ctl).
import { ERRNO } from '../kernel/errno.js';
import type { ActivationMember, BusActivation } from './bus-activation.js';
import type { DimmFirmware } from './dimm-firmware.js';
import { withLayout, type DsmTable } from './dsm-table.js';
import {
  ARM,
  DIMMINFO,
  FW_FINISH,
  FW_INFO,
  FW_QUERY,
  FW_SEND_HEADER,
  FW_START,
  INTEL_FN,
  LSS,
  SMART,
  SMART_INJECT,
  SMART_SET_THRESHOLD,
  SMART_THRESHOLD,
} from './intel-payloads.js';
import type { LabelArea } from './label-area.js';
import { GET_CONFIG_DATA, GET_CONFIG_SIZE, SET_CONFIG_DATA } from './nd-cmd-payloads.js';
import { decode, encode } from './payload.js';
import type { SmartHealth } from './smart-health.js';

export interface DimmDsmContext {
  readonly firmware: DimmFirmware;
  /** Absent when the bus has no activation support. */
  readonly activation: BusActivation | undefined;
  /** Absent on a DIMM without a label area. */
  readonly labels: LabelArea | undefined;
  readonly smart: SmartHealth;
  /** The DIMM as the bus's activation engine knows it. */
  readonly member: ActivationMember;
}

/** Status 3: invalid input parameter. */
const STATUS_INVALID_INPUT = 0x3;

export const INTEL_DIMM_DSM: DsmTable<DimmDsmContext> = new Map([
  [
    INTEL_FN.SMART,
    {
      name: 'smart',
      handler: withLayout(SMART, ({ smart }, p) => {
        p.fill(0, 0, SMART.size);
        encode(SMART, p, { status: 0, ...smart.data, vendorSize: 0 });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.SMART_THRESHOLD,
    {
      name: 'smart_threshold',
      handler: withLayout(SMART_THRESHOLD, ({ smart }, p) => {
        p.fill(0, 0, SMART_THRESHOLD.size);
        encode(SMART_THRESHOLD, p, { status: 0, ...smart.threshold });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.GET_CONFIG_SIZE,
    {
      name: 'get_config_size',
      handler: withLayout(GET_CONFIG_SIZE, ({ labels }, p) => {
        if (!labels) return -ERRNO.ENOTTY;
        encode(GET_CONFIG_SIZE, p, { status: 0, configSize: labels.size, maxXfer: labels.maxXfer });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.GET_CONFIG_DATA,
    {
      name: 'get_config_data',
      handler: withLayout(GET_CONFIG_DATA, ({ labels }, p) => {
        if (!labels) return -ERRNO.ENOTTY;
        const { inOffset, inLength } = decode(GET_CONFIG_DATA, p);
        if (GET_CONFIG_DATA.size + inLength > p.length) return -ERRNO.EINVAL;
        const rc = labels.read(inOffset, inLength, p.subarray(GET_CONFIG_DATA.size, GET_CONFIG_DATA.size + inLength));
        if (rc >= 0) encode(GET_CONFIG_DATA, p, { status: 0 });
        return rc;
      }),
    },
  ],
  [
    INTEL_FN.SET_CONFIG_DATA,
    {
      name: 'set_config_data',
      handler: withLayout(SET_CONFIG_DATA, ({ labels }, p) => {
        if (!labels) return -ERRNO.ENOTTY;
        const { inOffset, inLength } = decode(SET_CONFIG_DATA, p);
        const statusAt = SET_CONFIG_DATA.size + inLength;
        if (statusAt + 4 > p.length) return -ERRNO.EINVAL;
        const rc = labels.write(inOffset, p.subarray(SET_CONFIG_DATA.size, statusAt));
        if (rc >= 0) p.writeUInt32LE(0, statusAt);
        return rc;
      }),
    },
  ],
  [
    INTEL_FN.ENABLE_LSS_STATUS,
    {
      name: 'enable_lss_status',
      // nd_intel_test_cmd_set_lss_status(): 0 and 1 are the only valid latch values.
      handler: withLayout(LSS, (_ctx, p) => {
        encode(LSS, p, { status: decode(LSS, p).enable <= 1 ? 0 : STATUS_INVALID_INPUT });
        return 0;
      }),
    },
  ],
  [
    INTEL_FN.SMART_SET_THRESHOLD,
    {
      name: 'smart_set_threshold',
      // nfit_test copies the 7 input bytes; only they need to be present.
      handler: (ctx, p) => {
        if (p.length < SMART_SET_THRESHOLD.size - 4) return -ERRNO.EINVAL;
        const whole = Buffer.alloc(SMART_SET_THRESHOLD.size);
        p.copy(whole, 0, 0, SMART_SET_THRESHOLD.size - 4);
        const { alarmControl, spares, mediaTemperature, ctrlTemperature } = decode(SMART_SET_THRESHOLD, whole);
        ctx.smart.setThreshold({ alarmControl, spares, mediaTemperature, ctrlTemperature });
        if (p.length >= SMART_SET_THRESHOLD.size) encode(SMART_SET_THRESHOLD, p, { status: 0 });
        return 0;
      },
    },
  ],
  [
    INTEL_FN.SMART_INJECT,
    {
      name: 'smart_inject',
      // nfit_test insists on the exact structure size.
      handler: ({ smart }, p) => {
        if (p.length !== SMART_INJECT.size) return -ERRNO.EINVAL;
        smart.inject(decode(SMART_INJECT, p));
        encode(SMART_INJECT, p, { status: 0 });
        return 0;
      },
    },
  ],
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
      handler: withLayout(ARM, ({ member, activation }, p) => {
        if (!activation) return -ERRNO.ENOTTY;
        // ND_INTEL_DIMM_FWA_ARM is 1; no validation: arming an unstaged DIMM is allowed.
        activation.arm(member, decode(ARM, p).activateArm === 1);
        encode(ARM, p, { status: 0 });
        return 0;
      }),
    },
  ],
]);
