// Platform firmware's runtime-activation engine for one bus, with
// nfit_test's rules (nvdimm_bus_intel_fw_activate_businfo / _fw_activate):
// armed while any DIMM is armed; busy for a window after an activation;
// each armed DIMM adds quiesce time and more than the maximum overflows.
import type { Clock } from '../clock/clock.js';
import type { ActivationSpec } from '../topology/schema.js';
import type { DimmFirmware } from './dimm-firmware.js';
import { BUS_FWA_STATUS, FWA_CAP, FWA_RESULT, FWA_STATE } from './intel-payloads.js';

/**
 * The last activation, shared by every bus of a platform: nfit_test keeps
 * last_activate in one static variable for both of its instances.
 */
export class ActivationTimeline {
  seq = 0;
  at = 0;
  mark(now: number): number {
    this.seq += 1;
    this.at = now;
    return this.seq;
  }
}

export interface BusInfo {
  state: number;
  capability: number;
  activateTmo: bigint;
  maxQuiesceTmo: bigint;
}

export class BusActivation {
  constructor(
    readonly spec: ActivationSpec,
    private readonly firmware: () => readonly DimmFirmware[],
    private readonly timeline: ActivationTimeline,
    private readonly clock: Clock,
  ) {}

  get capabilityBits(): number {
    return this.spec.capability.reduce((bits, c) => bits | FWA_CAP[c], 0);
  }

  private busy(): boolean {
    // !last_activate || time_after(jiffies, last_activate + 3 * HZ) → idle
    return this.timeline.seq !== 0 && this.clock.now() <= this.timeline.at + this.spec.busyMs;
  }

  info(): BusInfo {
    const armed = this.firmware().filter((f) => f.armed).length;
    const state = armed > 0 ? FWA_STATE.ARMED : this.busy() ? FWA_STATE.BUSY : FWA_STATE.IDLE;
    return {
      state,
      capability: this.capabilityBits,
      activateTmo: BigInt(armed * this.spec.dimmQuiesceUs),
      maxQuiesceTmo: BigInt(this.spec.maxQuiesceUs),
    };
  }

  /** Returns the firmware status; a timeout still activates (nfit_test does). */
  activate(): number {
    const info = this.info();
    let status = 0;
    if (info.state === FWA_STATE.BUSY) status = BUS_FWA_STATUS.BUSY;
    else if (info.activateTmo > info.maxQuiesceTmo) status = BUS_FWA_STATUS.TMO;
    else if (info.state === FWA_STATE.IDLE) status = BUS_FWA_STATUS.NOARM;
    if (status !== 0 && status !== BUS_FWA_STATUS.TMO) return status;

    const seq = this.timeline.mark(this.clock.now());
    for (const fw of this.firmware()) {
      if (!fw.armed) continue;
      if (fw.state !== 'updated') fw.missedActivate = true;
      else fw.state = 'new';
      fw.armed = false;
      fw.lastActivate = seq;
    }
    return status;
  }

  /** nd_intel_test_cmd_fw_activate_dimminfo */
  dimmInfo(fw: DimmFirmware): { state: number; result: number } {
    const bus = this.info().state;
    const state = bus === FWA_STATE.BUSY ? FWA_STATE.BUSY : bus === FWA_STATE.IDLE ? FWA_STATE.IDLE : fw.armed ? FWA_STATE.ARMED : FWA_STATE.IDLE;
    let result: number = FWA_RESULT.NONE;
    if (this.timeline.seq !== 0 && fw.lastActivate === this.timeline.seq && state === FWA_STATE.IDLE) {
      result = fw.missedActivate ? FWA_RESULT.NOTSTAGED : FWA_RESULT.SUCCESS;
    }
    return { state, result };
  }
}
