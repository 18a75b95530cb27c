// The seam between the generic libnvdimm layer and the provider for runtime
// firmware activation (include/linux/libnvdimm.h: nvdimm_bus_fw_ops,
// nvdimm_fw_ops). drivers/nvdimm/core.c and dimm_devs.c call these; the
// NFIT provider implements them with Intel DSMs.

/** enum nvdimm_fwa_state, in kernel order. */
export const FWA_STATE = { INVALID: 0, IDLE: 1, ARMED: 2, BUSY: 3, ARM_OVERFLOW: 4 } as const;
export type FwaState = (typeof FWA_STATE)[keyof typeof FWA_STATE];

/** enum nvdimm_fwa_capability; comparisons ("capability < QUIESCE") rely on the order. */
export const FWA_CAP = { INVALID: 0, NONE: 1, QUIESCE: 2, LIVE: 3 } as const;
export type FwaCapability = (typeof FWA_CAP)[keyof typeof FWA_CAP];

/** enum nvdimm_fwa_result */
export const FWA_RESULT = { INVALID: 0, NONE: 1, SUCCESS: 2, NOTSTAGED: 3, NEEDRESET: 4, FAIL: 5 } as const;
export type FwaResult = (typeof FWA_RESULT)[keyof typeof FWA_RESULT];

/**
 * The words firmware/activate shows for each state (core.c and dimm_devs.c
 * activate_show); INVALID has none (ENXIO), and only a bus can overflow.
 */
export const FWA_STATE_NAME: Readonly<Partial<Record<FwaState, string>>> = {
  [FWA_STATE.IDLE]: 'idle',
  [FWA_STATE.ARMED]: 'armed',
  [FWA_STATE.BUSY]: 'busy',
  [FWA_STATE.ARM_OVERFLOW]: 'overflow',
};

/** The words firmware/result shows (dimm_devs.c result_show); INVALID has none (ENXIO). */
export const FWA_RESULT_NAME: Readonly<Partial<Record<FwaResult, string>>> = {
  [FWA_RESULT.NONE]: 'none',
  [FWA_RESULT.SUCCESS]: 'success',
  [FWA_RESULT.FAIL]: 'fail',
  [FWA_RESULT.NOTSTAGED]: 'not_staged',
  [FWA_RESULT.NEEDRESET]: 'need_reset',
};

export interface NvdimmBusFwOps {
  activateState(): FwaState;
  capability(): FwaCapability;
  /** 0, or a negative errno from the provider. */
  activate(): number;
}

export interface NvdimmFwOps {
  activateState(): FwaState;
  activateResult(): FwaResult;
  /** 0, or a negative errno. */
  arm(arm: boolean): number;
}
