// A DIMM's health as the Intel SMART DSMs report it, with nfit_test's
// defaults and its set-threshold / inject rules
// (tools/testing/nvdimm/test/nfit.c: smart_def, smart_init,
// nfit_test_cmd_smart_set_threshold, nfit_test_cmd_smart_inject).

/** ND_INTEL_SMART_*_VALID bits of nd_intel_smart.flags. */
export const SMART_VALID = {
  HEALTH: 1 << 0,
  SPARES: 1 << 1,
  USED: 1 << 2,
  MTEMP: 1 << 3,
  CTEMP: 1 << 4,
  SHUTDOWN_COUNT: 1 << 5,
  AIT_STATUS: 1 << 6,
  PTEMP: 1 << 7,
  ALARM: 1 << 9,
  SHUTDOWN: 1 << 10,
  VENDOR: 1 << 11,
} as const;
/** Alarm bits, shared by alarm_flags and alarm_control. */
export const SMART_TRIP = { SPARE: 1 << 0, MTEMP: 1 << 1, CTEMP: 1 << 2 } as const;
export const SMART_HEALTH = { NON_CRITICAL: 1 << 0, CRITICAL: 1 << 1, FATAL: 1 << 2 } as const;
/** ND_INTEL_SMART_INJECT_* bits of nd_intel_smart_inject.flags. */
export const SMART_INJECT_FLAG = { MTEMP: 1n << 0n, SPARE: 1n << 1n, FATAL: 1n << 2n, SHUTDOWN: 1n << 3n } as const;

export interface SmartData {
  flags: number;
  health: number;
  spares: number;
  lifeUsed: number;
  alarmFlags: number;
  /** 1/16 degree Celsius units. */
  mediaTemperature: number;
  ctrlTemperature: number;
  pmicTemperature: number;
  shutdownCount: number;
  aitStatus: number;
  shutdownState: number;
}

export interface SmartThreshold {
  alarmControl: number;
  spares: number;
  mediaTemperature: number;
  ctrlTemperature: number;
}

/** nfit_test's smart_def. */
export const NFIT_TEST_SMART: Readonly<SmartData> = {
  flags:
    SMART_VALID.HEALTH | SMART_VALID.SPARES | SMART_VALID.ALARM | SMART_VALID.USED | SMART_VALID.SHUTDOWN | SMART_VALID.SHUTDOWN_COUNT | SMART_VALID.MTEMP | SMART_VALID.CTEMP,
  health: SMART_HEALTH.NON_CRITICAL,
  spares: 75,
  lifeUsed: 5,
  alarmFlags: SMART_TRIP.SPARE | SMART_TRIP.MTEMP,
  mediaTemperature: 23 * 16,
  ctrlTemperature: 25 * 16,
  pmicTemperature: 40 * 16,
  shutdownCount: 42,
  aitStatus: 1,
  shutdownState: 0,
};

/** smart_init()'s smart_t_data. */
export const NFIT_TEST_SMART_THRESHOLD: Readonly<SmartThreshold> = {
  alarmControl: SMART_TRIP.SPARE | SMART_TRIP.MTEMP,
  spares: 5,
  mediaTemperature: 40 * 16,
  ctrlTemperature: 30 * 16,
};

export interface SmartInjection {
  flags: bigint;
  mtempEnable: number;
  mediaTemperature: number;
  spareEnable: number;
  spares: number;
  fatalEnable: number;
  unsafeShutdownEnable: number;
}

export class SmartHealth {
  readonly data: SmartData = { ...NFIT_TEST_SMART };
  threshold: SmartThreshold = { ...NFIT_TEST_SMART_THRESHOLD };
  /** Health events (ACPI notify 0x81) raised on nfit/flags so far. */
  notifications = 0;

  setThreshold(t: SmartThreshold): void {
    this.threshold = { ...t };
    this.notifyIfAlarming();
  }

  /** An injection sets a field, or restores smart_def's value when its enable byte is 0. */
  inject(inj: SmartInjection): void {
    const d = this.data;
    if (inj.flags & SMART_INJECT_FLAG.MTEMP) d.mediaTemperature = inj.mtempEnable ? inj.mediaTemperature : NFIT_TEST_SMART.mediaTemperature;
    if (inj.flags & SMART_INJECT_FLAG.SPARE) d.spares = inj.spareEnable ? inj.spares : NFIT_TEST_SMART.spares;
    if (inj.flags & SMART_INJECT_FLAG.FATAL) d.health = inj.fatalEnable ? SMART_HEALTH.FATAL : SMART_HEALTH.NON_CRITICAL;
    if (inj.flags & SMART_INJECT_FLAG.SHUTDOWN) {
      if (inj.unsafeShutdownEnable) {
        d.shutdownState = 1;
        d.shutdownCount += 1;
      } else d.shutdownState = 0;
    }
    this.notifyIfAlarming();
  }

  /** smart_notify(): any tripped alarm, a health other than non-critical, or a dirty shutdown. */
  private notifyIfAlarming(): void {
    const d = this.data;
    const t = this.threshold;
    const alarming =
      (t.alarmControl & SMART_TRIP.SPARE && d.spares <= t.spares) ||
      (t.alarmControl & SMART_TRIP.MTEMP && d.mediaTemperature >= t.mediaTemperature) ||
      (t.alarmControl & SMART_TRIP.CTEMP && d.ctrlTemperature >= t.ctrlTemperature) ||
      d.health !== SMART_HEALTH.NON_CRITICAL ||
      d.shutdownState !== 0;
    if (alarming) this.notifications += 1;
  }
}
