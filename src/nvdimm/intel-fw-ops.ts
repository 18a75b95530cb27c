// The NFIT provider's firmware-activation ops (drivers/acpi/nfit/intel.c):
// Intel DSM calls plus the kernel's caching rules. The bus state is cached
// until an arm or an activation invalidates it; each DIMM caches its state
// and result per bus activation count; firmware status words of arm and
// activate are ignored.
import { ERRNO } from '../kernel/errno.js';
import { BUSINFO, BUS_ACTIVATE, ARM, DIMMINFO, FWA_CAP as PLATFORM_CAP, FWA_RESULT as PLATFORM_RESULT, FWA_STATE as PLATFORM_STATE, INTEL_BUS_FN, INTEL_FN } from '../platform/intel-payloads.js';
import { NVDIMM_BUS_FAMILY_INTEL, NVDIMM_FAMILY_INTEL, type PlatformBus, type PlatformDimm } from '../platform/nfit-platform.js';
import { build, decode } from '../platform/payload.js';
import { IODEV_OS_IDLE } from '../platform/intel-bus-dsm.js';
import { FWA_CAP, FWA_RESULT, FWA_STATE, type FwaCapability, type FwaResult, type FwaState, type NvdimmBusFwOps, type NvdimmFwOps } from './fw-ops.js';

/** ND_INTEL_BUS_FWA_IODEV_FORCE_IDLE */
const IODEV_FORCE_IDLE = 0;

export class IntelBusFwOps implements NvdimmBusFwOps {
  private state: FwaState = FWA_STATE.INVALID;
  private cap: FwaCapability = FWA_CAP.INVALID;
  /** acpi_desc->fwa_count: bumped by every activation to invalidate all DIMM caches at once. */
  count = 0;
  /** acpi_desc->fwa_noidle, set through nfit/firmware_activate_noidle. */
  noidle = false;

  constructor(private readonly bus: PlatformBus) {}

  /** Invalidate the cached bus state (intel_fwa_arm does this before arming). */
  invalidateState(): void {
    this.state = FWA_STATE.INVALID;
  }

  /** A change of firmware_activate_noidle forces a capability re-query. */
  setNoidle(noidle: boolean): void {
    if (noidle !== this.noidle) this.cap = FWA_CAP.INVALID;
    this.noidle = noidle;
  }

  /** intel_bus_fwa_state() */
  activateState(): FwaState {
    if (this.state !== FWA_STATE.INVALID && this.state !== FWA_STATE.BUSY && this.cap !== FWA_CAP.INVALID) return this.state;

    const payload = build(BUSINFO);
    if (this.bus.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, payload) !== 0) return FWA_STATE.INVALID;
    const info = decode(BUSINFO, payload);
    let state: FwaState;
    switch (info.state) {
      case PLATFORM_STATE.IDLE:
        state = FWA_STATE.IDLE;
        break;
      case PLATFORM_STATE.BUSY:
        state = FWA_STATE.BUSY;
        break;
      case PLATFORM_STATE.ARMED:
        state = info.activateTmo > info.maxQuiesceTmo ? FWA_STATE.ARM_OVERFLOW : FWA_STATE.ARMED;
        break;
      default:
        return FWA_STATE.INVALID;
    }
    if (this.cap === FWA_CAP.INVALID) {
      if (info.capability & PLATFORM_CAP.fwquiesce) this.cap = FWA_CAP.QUIESCE;
      else if (info.capability & PLATFORM_CAP.osquiesce) this.cap = FWA_CAP.LIVE;
      else this.cap = FWA_CAP.NONE;
    }
    this.state = state;
    return state;
  }

  /** intel_bus_fwa_capability() */
  capability(): FwaCapability {
    if (this.cap > FWA_CAP.INVALID) return this.cap;
    if (this.activateState() > FWA_STATE.INVALID) return this.cap;
    return FWA_CAP.INVALID;
  }

  /** intel_bus_fwa_activate(): the firmware status is ignored; only the call's rc counts. */
  activate(): number {
    const state = this.activateState();
    if (state !== FWA_STATE.ARMED && state !== FWA_STATE.ARM_OVERFLOW) return -ERRNO.ENXIO;
    const payload = build(BUS_ACTIVATE, { iodevState: this.noidle ? IODEV_OS_IDLE : IODEV_FORCE_IDLE });
    const rc = this.bus.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE, payload, BUS_ACTIVATE.fields.status.offset);
    this.state = FWA_STATE.INVALID;
    this.count += 1;
    return rc;
  }
}

const RESULT_FROM_PLATFORM: Readonly<Record<number, FwaResult>> = {
  [PLATFORM_RESULT.NONE]: FWA_RESULT.NONE,
  [PLATFORM_RESULT.SUCCESS]: FWA_RESULT.SUCCESS,
  [PLATFORM_RESULT.NOTSTAGED]: FWA_RESULT.NOTSTAGED,
  [PLATFORM_RESULT.NEEDRESET]: FWA_RESULT.NEEDRESET,
};

const STATE_FROM_PLATFORM: Readonly<Record<number, FwaState>> = {
  [PLATFORM_STATE.IDLE]: FWA_STATE.IDLE,
  [PLATFORM_STATE.BUSY]: FWA_STATE.BUSY,
  [PLATFORM_STATE.ARMED]: FWA_STATE.ARMED,
};

export class IntelDimmFwOps implements NvdimmFwOps {
  private state: FwaState = FWA_STATE.INVALID;
  private result: FwaResult = FWA_RESULT.INVALID;
  private count = 0;

  constructor(
    private readonly dimm: PlatformDimm,
    private readonly busOps: IntelBusFwOps,
  ) {}

  /** intel_fwa_state() */
  activateState(): FwaState {
    if (this.state !== FWA_STATE.INVALID && this.state !== FWA_STATE.BUSY && this.count === this.busOps.count) return this.state;

    const payload = build(DIMMINFO);
    if (this.dimm.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_DIMMINFO, payload) !== 0) return FWA_STATE.INVALID;
    const info = decode(DIMMINFO, payload);
    this.state = STATE_FROM_PLATFORM[info.state] ?? FWA_STATE.INVALID;
    // MEDIAFAILED, ABORT, NOTSUPP, ERROR and anything unknown read as "fail".
    this.result = RESULT_FROM_PLATFORM[info.result] ?? FWA_RESULT.FAIL;
    this.count = this.busOps.count;
    return this.state;
  }

  /** intel_fwa_result(): answered from cache while no activation happened since. */
  activateResult(): FwaResult {
    if (this.count === this.busOps.count && this.result > FWA_RESULT.INVALID) return this.result;
    if (this.activateState() > FWA_STATE.INVALID) return this.result;
    return FWA_RESULT.INVALID;
  }

  /** intel_fwa_arm() */
  arm(arm: boolean): number {
    switch (this.activateState()) {
      case FWA_STATE.INVALID:
        return -ERRNO.ENXIO;
      case FWA_STATE.BUSY:
        return -ERRNO.EBUSY;
      case FWA_STATE.IDLE:
        if (!arm) return 0;
        break;
      case FWA_STATE.ARMED:
        if (arm) return 0;
        break;
      default:
        return -ERRNO.ENXIO;
    }
    this.busOps.invalidateState();
    this.state = FWA_STATE.INVALID;
    return this.dimm.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_ARM, build(ARM, { activateArm: arm ? 1 : 0 }), ARM.fields.status.offset);
  }
}
