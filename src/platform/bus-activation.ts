// Platform firmware's runtime-activation engine for one bus. The baseline
// is nfit_test's (nvdimm_bus_intel_fw_activate_businfo / _fw_activate):
// armed while any DIMM is armed; busy for a window after an activation;
// each armed DIMM adds quiesce time and more than the maximum overflows
// (a timeout status, but the activation still runs). On top of that, what
// real platforms add and nfit_test cannot show: a capability profile, a
// refusal of OS-idle, a refusal (or a risk taken) when a device doing DMA
// cannot stretch its PCIe completion timeout over the quiesce, and a
// per-DIMM outcome.
import type { Clock } from '../clock/clock.js';
import type { ActivationOutcome, ActivationSpec } from '../topology/schema.js';
import type { Tracer } from '../trace/tracer.js';
import type { DimmFirmware } from './dimm-firmware.js';
import { BUS_FWA_STATUS, FWA_CAP, FWA_RESULT, FWA_STATE } from './intel-payloads.js';
import type { Machine, QuiesceImpact } from './machine.js';

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
  cpuQuiesceTmo: bigint;
  ioQuiesceTmo: bigint;
  maxQuiesceTmo: bigint;
}

/** DIMM info result codes for each outcome a DIMM can give. */
export const OUTCOME_RESULT: Readonly<Record<ActivationOutcome, number>> = {
  success: FWA_RESULT.SUCCESS,
  need_reset: FWA_RESULT.NEEDRESET,
  media_failed: FWA_RESULT.MEDIAFAILED,
  abort: FWA_RESULT.ABORT,
  not_supported: FWA_RESULT.NOTSUPP,
  error: FWA_RESULT.ERROR,
};

/** A DIMM taking part in activations: its firmware and the outcome it gives. */
export interface ActivationMember {
  readonly name: string;
  readonly firmware: DimmFirmware;
  /** The outcome it gives once its image has verified (the topology's, or one injected). */
  outcome(): ActivationOutcome | 'not_staged';
}

/** One activation as the platform saw it, for `ndsim report` and scenarios. */
export interface ActivationRecord {
  readonly t: number;
  readonly bus: string;
  readonly iodevState: 'force_idle' | 'os_idle';
  /** Whether the OS had frozen tasks and devices around the call (a "quiesce" activation). */
  readonly frozen: boolean;
  readonly status: number;
  readonly statusName: string;
  readonly results: Readonly<Record<string, string>>;
  readonly impact: QuiesceImpact | null;
}

const STATUS_NAME: Readonly<Record<number, string>> = Object.fromEntries([[0, 'success'], ...Object.entries(BUS_FWA_STATUS).map(([n, v]) => [v, n.toLowerCase()])]);
/** DIMM info result codes by the names outcomes use in topologies and injections. */
const RESULT_NAME: Readonly<Record<number, string>> = {
  [FWA_RESULT.NONE]: 'none',
  [FWA_RESULT.NOTSTAGED]: 'not_staged',
  ...Object.fromEntries(Object.entries(OUTCOME_RESULT).map(([name, code]) => [code, name])),
};

export class BusActivation {
  /** A platform-internal operation holds the bus busy until then (ms; `ndsim inject busy`). */
  busyHeldUntil = -Infinity;
  readonly history: ActivationRecord[] = [];

  constructor(
    /** The bus's name for traces and records (ndbusN once registered). */
    private readonly busName: () => string,
    readonly spec: ActivationSpec,
    private readonly members: () => readonly ActivationMember[],
    private readonly timeline: ActivationTimeline,
    private readonly clock: Clock,
    private readonly machine: Machine,
    private readonly tracer: Tracer,
  ) {}

  get name(): string {
    return this.busName();
  }

  get capabilityBits(): number {
    return this.spec.capability.reduce((bits, c) => bits | FWA_CAP[c], 0);
  }

  private held(): boolean {
    return this.clock.now() < this.busyHeldUntil;
  }

  private busy(): boolean {
    // !last_activate || time_after(jiffies, last_activate + 3 * HZ) → idle
    return this.timeline.seq !== 0 && this.clock.now() <= this.timeline.at + this.spec.busyMs;
  }

  info(): BusInfo {
    const armed = this.members().filter((m) => m.firmware.armed).length;
    const state = this.held() ? FWA_STATE.BUSY : armed > 0 ? FWA_STATE.ARMED : this.busy() ? FWA_STATE.BUSY : FWA_STATE.IDLE;
    const per = (us: number | undefined) => BigInt(armed * (us ?? this.spec.activateTmoUs));
    return {
      state,
      capability: this.capabilityBits,
      activateTmo: per(this.spec.activateTmoUs),
      cpuQuiesceTmo: per(this.spec.cpuQuiesceTmoUs),
      ioQuiesceTmo: per(this.spec.ioQuiesceTmoUs),
      maxQuiesceTmo: BigInt(this.spec.maxQuiesceTmoUs),
    };
  }

  /** Arm or disarm one DIMM (DIMM function 30; nfit_test validates nothing). */
  arm(member: ActivationMember, arm: boolean): void {
    if (member.firmware.armed !== arm) this.tracer.emit('state', `${member.name}: activation ${arm ? 'idle -> armed' : 'armed -> idle'}`, { dimm: member.name, armed: arm });
    member.firmware.armed = arm;
  }

  /** Bus function 2: returns the firmware status word. */
  activate(iodevState: 'force_idle' | 'os_idle'): number {
    const info = this.info();
    const armed = this.members().filter((m) => m.firmware.armed);
    const frozen = this.machine.frozen;
    const quiesceUs = Number(info.activateTmo);
    let status = 0;
    if (info.state === FWA_STATE.BUSY) status = BUS_FWA_STATUS.BUSY;
    else if (info.state === FWA_STATE.IDLE) status = BUS_FWA_STATUS.NOARM;
    else if (iodevState === 'os_idle' && !this.spec.noidle) status = BUS_FWA_STATUS.NOIDLE;
    else if (info.activateTmo > info.maxQuiesceTmo) status = BUS_FWA_STATUS.TMO;
    const risks = status === 0 || status === BUS_FWA_STATUS.TMO ? this.machine.completionTimeoutRisks(quiesceUs) : [];
    if (risks.length > 0 && this.spec.onCompletionTimeout === 'abort') {
      status = BUS_FWA_STATUS.ABORT;
      this.tracer.emit('quiesce', `${this.name}: activation refused: ${risks.map((d) => d.spec.name).join(', ')} cannot stretch the completion timeout over ${quiesceUs} us`, { bus: this.name });
    }
    // Refused outright: nothing was attempted.
    if (status !== 0 && status !== BUS_FWA_STATUS.TMO && status !== BUS_FWA_STATUS.ABORT) {
      this.record(iodevState, frozen, status, {}, null);
      return status;
    }

    const seq = this.timeline.mark(this.clock.now());
    const aborted = status === BUS_FWA_STATUS.ABORT;
    // Past the abort check, any device that cannot wait takes its completion timeout.
    const impact = aborted ? null : this.machine.quiesce(quiesceUs);
    const results: Record<string, string> = {};
    for (const m of armed) {
      const fw = m.firmware;
      const outcome = m.outcome();
      fw.lastActivate = seq;
      if (aborted) {
        fw.activationResult = FWA_RESULT.ABORT;
        fw.missedActivate = false;
      } else if (fw.state !== 'updated' || outcome === 'not_staged') fw.missedActivate = true;
      else {
        fw.activationResult = OUTCOME_RESULT[outcome];
        // The new image runs (or will after a reset): the update slot is free again.
        if (outcome === 'success' || outcome === 'need_reset') fw.state = 'new';
      }
      this.arm(m, false);
      results[m.name] = RESULT_NAME[fw.missedActivate ? FWA_RESULT.NOTSTAGED : fw.activationResult] ?? 'none';
    }
    this.record(iodevState, frozen, status, results, impact);
    return status;
  }

  private record(iodevState: 'force_idle' | 'os_idle', frozen: boolean, status: number, results: Record<string, string>, impact: QuiesceImpact | null): void {
    const rec: ActivationRecord = { t: this.clock.now(), bus: this.name, iodevState, frozen, status, statusName: STATUS_NAME[status] ?? `0x${status.toString(16)}`, results, impact };
    this.history.push(rec);
    const detail = Object.entries(results).map(([d, r]) => `${d}=${r}`).join(' ');
    this.tracer.emit('state', `${this.name}: activate (${frozen ? 'frozen' : 'live'}, ${iodevState}) status ${rec.statusName}${detail ? `: ${detail}` : ''}`, { bus: this.name, status, frozen });
  }

  /** nd_intel_test_cmd_fw_activate_dimminfo */
  dimmInfo(fw: DimmFirmware): { state: number; result: number } {
    const bus = this.info().state;
    const state = bus === FWA_STATE.BUSY ? FWA_STATE.BUSY : bus === FWA_STATE.IDLE ? FWA_STATE.IDLE : fw.armed ? FWA_STATE.ARMED : FWA_STATE.IDLE;
    let result: number = FWA_RESULT.NONE;
    if (this.timeline.seq !== 0 && fw.lastActivate === this.timeline.seq && state === FWA_STATE.IDLE) {
      // Evaluated now, as nfit_test does: a verify completed since clears missed_activate.
      result = fw.missedActivate ? FWA_RESULT.NOTSTAGED : fw.activationResult;
    }
    return { state, result };
  }
}
