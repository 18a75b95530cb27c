// The Intel bus DSM family (NVDIMM_BUS_FAMILY_INTEL): runtime firmware activation.
import type { BusActivation } from './bus-activation.js';
import { withLayout, type DsmTable } from './dsm-table.js';
import { BUS_ACTIVATE, BUSINFO, INTEL_BUS_FN } from './intel-payloads.js';
import { encode } from './payload.js';

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
          cpuQuiesceTmo: info.activateTmo,
          ioQuiesceTmo: info.activateTmo,
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
      // The iodev_state input is accepted and ignored, as nfit_test does.
      handler: withLayout(BUS_ACTIVATE, ({ activation }, p) => {
        encode(BUS_ACTIVATE, p, { status: activation.activate() });
        return 0;
      }),
    },
  ],
]);
