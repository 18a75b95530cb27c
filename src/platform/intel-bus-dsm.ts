// The Intel bus DSM family (NVDIMM_BUS_FAMILY_INTEL): runtime firmware activation.
import type { BusActivation } from './bus-activation.js';
import { withLayout, type DsmTable } from './dsm-table.js';
import { BUS_ACTIVATE, BUSINFO, INTEL_BUS_FN } from './intel-payloads.js';
import { decode, encode } from './payload.js';

/** ND_INTEL_BUS_FWA_IODEV_OS_IDLE: the OS vouches that devices are idle. */
export const IODEV_OS_IDLE = 1;

export interface BusDsmContext {
  readonly activation: BusActivation;
}

export const INTEL_BUS_DSM: DsmTable<BusDsmContext> = new Map([
  [
    INTEL_BUS_FN.FW_ACTIVATE_BUSINFO,
    {
      name: 'fw_activate_businfo',
      handler: withLayout(BUSINFO, ({ activation }, p) => {
        const info = activation.info();
        p.fill(0, 0, BUSINFO.size);
        encode(BUSINFO, p, {
          status: 0,
          state: info.state,
          capability: info.capability,
          activateTmo: info.activateTmo,
          cpuQuiesceTmo: info.cpuQuiesceTmo,
          ioQuiesceTmo: info.ioQuiesceTmo,
          maxQuiesceTmo: info.maxQuiesceTmo,
        });
        return 0;
      }),
    },
  ],
  [
    INTEL_BUS_FN.FW_ACTIVATE,
    {
      name: 'fw_activate',
      // nfit_test ignores iodev_state; a platform may refuse OS_IDLE (status NOIDLE).
      handler: withLayout(BUS_ACTIVATE, ({ activation }, p) => {
        const iodev = decode(BUS_ACTIVATE, p).iodevState === IODEV_OS_IDLE ? 'os_idle' : 'force_idle';
        encode(BUS_ACTIVATE, p, { status: activation.activate(iodev) });
        return 0;
      }),
    },
  ],
]);
