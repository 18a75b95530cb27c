// One DIMM's firmware as nfit_test emulates it (tools/testing/nvdimm/test/nfit.c,
// struct nfit_test_fw): the update state machine NEW → IN_PROGRESS → VERIFY →
// UPDATED, plus the runtime-activation bits (armed, missed_activate,
// last_activate).
import type { Clock } from '../clock/clock.js';
import type { FirmwareUpdateSpec } from '../topology/schema.js';
import type { Tracer } from '../trace/tracer.js';
import { FWA_RESULT } from './intel-payloads.js';
import type { FirmwareSnapshot } from './platform-persistence.js';

export type FwUpdateState = 'new' | 'in_progress' | 'verify' | 'updated';

/** Extended status words (low word 7 = "see extended status"). */
export const FW_STATUS = {
  SUCCESS: 0,
  INVALID_INPUT: 0x3,
  RETRY: 0x5,
  BAD_CONTEXT: 0x10007,
  /** start: another update is in progress. */
  IN_PROGRESS: 0x10007,
  /** finish: already updated, needs activation; query: still verifying. */
  ALREADY_DONE_OR_BUSY: 0x20007,
  /** finish abort acknowledged; query: sequencing error. */
  ABORTED_OR_SEQUENCE: 0x40007,
} as const;

export class DimmFirmware {
  context = 0;
  sizeReceived = 0;
  private verifyDeadline = 0;
  /** What get-info reports as updated_version: 0 until an update first verifies, never reset. */
  version = 0n;
  armed = false;
  missedActivate = false;
  /** Sequence number of the bus activation this DIMM last took part in (0: none). */
  lastActivate = 0;
  /** DIMM info result code of that activation, unless it missed it (not staged). */
  activationResult: number = FWA_RESULT.SUCCESS;
  /** The verify does not complete before this time (ms; `ndsim inject stall-verify`). */
  verifyStalledUntil = -Infinity;
  private state_: FwUpdateState = 'new';

  constructor(
    readonly spec: FirmwareUpdateSpec,
    private readonly clock: Clock,
    /** The name traces use for this DIMM. */
    private readonly name: () => string,
    private readonly tracer: Tracer,
  ) {}

  /**
   * What a daemon restart keeps (docs/persistence.md): everything the DIMM
   * itself holds. Not kept: the verify deadline (a restart outlasts any
   * verify) and verifyStalledUntil (an injection, not DIMM state).
   */
  snapshot(): FirmwareSnapshot {
    return {
      state: this.state_,
      context: this.context,
      sizeReceived: this.sizeReceived,
      version: this.version.toString(),
      armed: this.armed,
      missedActivate: this.missedActivate,
      lastActivate: this.lastActivate,
      activationResult: this.activationResult,
    };
  }

  /** Take up a snapshot from an earlier run, before anything has asked the DIMM. */
  restore(s: FirmwareSnapshot): void {
    this.state_ = s.state;
    this.context = s.context;
    this.sizeReceived = s.sizeReceived;
    this.verifyDeadline = -Infinity;
    this.version = BigInt(s.version);
    this.armed = s.armed;
    this.missedActivate = s.missedActivate;
    this.lastActivate = s.lastActivate;
    this.activationResult = s.activationResult;
  }

  /** The update state machine; every transition is traced. */
  get state(): FwUpdateState {
    return this.state_;
  }
  set state(next: FwUpdateState) {
    if (next !== this.state_) this.tracer.emit('state', `${this.name()}: firmware update ${this.state_} -> ${next}`, { dimm: this.name(), from: this.state_, to: next });
    this.state_ = next;
  }

  /**
   * nd_intel_test_start_update. When busy, nfit_test writes only the status
   * word: the context field keeps whatever the caller's buffer held.
   */
  start(): { status: number; context?: number } {
    if (this.state !== 'new') return { status: FW_STATUS.IN_PROGRESS };
    this.state = 'in_progress';
    this.context = (this.context + 1) >>> 0;
    this.sizeReceived = 0;
    return { status: FW_STATUS.SUCCESS, context: this.context };
  }

  /** nd_intel_test_send_data: the image bytes are counted, not kept. */
  send(context: number, offset: number, length: number): number {
    if (this.state !== 'in_progress') return FW_STATUS.RETRY;
    if (context !== this.context) return FW_STATUS.BAD_CONTEXT;
    // nfit_test adds the two u32 fields in 32-bit unsigned arithmetic, so
    // offset + length wraps instead of exceeding the storage size.
    if (((offset + length) >>> 0) > this.spec.storageSize || length > this.spec.maxSendLen) return FW_STATUS.INVALID_INPUT;
    this.sizeReceived += length;
    return FW_STATUS.SUCCESS;
  }

  /** nd_intel_test_finish_fw; null for an unknown control flag (the ioctl fails EINVAL). */
  finish(ctrlFlags: number, context: number): number | null {
    if (this.state === 'updated') return FW_STATUS.ALREADY_DONE_OR_BUSY;
    switch (ctrlFlags) {
      case 0:
        if (context !== this.context) return FW_STATUS.BAD_CONTEXT;
        this.state = 'verify';
        this.verifyDeadline = this.clock.now() + this.spec.verifyMs;
        return FW_STATUS.SUCCESS;
      case 1:
        this.sizeReceived = 0;
        this.state = 'new';
        return FW_STATUS.ABORTED_OR_SEQUENCE;
      default:
        return null;
    }
  }

  /**
   * nd_intel_test_finish_query. A bad context sets only the status word;
   * updated_fw_rev keeps the caller's bytes, as in nfit_test.
   */
  query(context: number): { status: number; updatedFwRev?: bigint } {
    if (context !== this.context) return { status: FW_STATUS.BAD_CONTEXT };
    switch (this.state) {
      case 'new':
        return { status: FW_STATUS.SUCCESS, updatedFwRev: 0n };
      case 'in_progress':
        return { status: FW_STATUS.ABORTED_OR_SEQUENCE, updatedFwRev: 0n };
      case 'verify':
        // time_is_after_jiffies64(end_time): still verifying until the deadline has passed.
        if (this.clock.now() < Math.max(this.verifyDeadline, this.verifyStalledUntil)) return { status: FW_STATUS.ALREADY_DONE_OR_BUSY, updatedFwRev: 0n };
        this.state = 'updated';
        this.missedActivate = false;
        this.version = this.spec.stagedVersion;
        return { status: FW_STATUS.SUCCESS, updatedFwRev: this.version };
      case 'updated':
        this.version = this.spec.stagedVersion;
        return { status: FW_STATUS.SUCCESS, updatedFwRev: this.version };
    }
  }
}
