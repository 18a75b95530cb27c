// The simulated ACPI NFIT platform: the buses and DIMMs a topology declares,
// their firmware, label storage and DSM engine. The libnvdimm model above
// talks to it only through DSM calls and the NFIT data, as the kernel does.
import type { Clock } from '../clock/clock.js';
import { ERRNO } from '../kernel/errno.js';
import type { BusSpec, DimmSpec, Topology } from '../topology/schema.js';
import { ActivationTimeline, BusActivation } from './bus-activation.js';
import { DimmFirmware } from './dimm-firmware.js';
import { INTEL_BUS_DSM } from './intel-bus-dsm.js';
import { INTEL_DIMM_DSM } from './intel-dimm-dsm.js';
import { LabelArea } from './label-area.js';

export const NVDIMM_FAMILY_INTEL = 0;
export const NVDIMM_BUS_FAMILY_INTEL = 1;

export class PlatformDimm {
  readonly firmware: DimmFirmware;
  readonly labels: LabelArea | undefined;
  /** nfit_test_dimm fail_cmd: DSM function numbers forced to fail. */
  failCmd = 0n;
  /** nfit_test_dimm fail_cmd_code: the return code forced (0 means -EIO). */
  failCmdCode = 0;
  /** Security state as the firmware reports it (nfit_test's dimm_sec_info). */
  security: DimmSpec['security'];

  constructor(
    readonly spec: DimmSpec,
    /** Index among all DIMM slots of the platform (nfit_test's test_dimmN). */
    readonly slot: number,
    readonly bus: PlatformBus,
    clock: Clock,
  ) {
    this.firmware = new DimmFirmware(spec.firmware, clock);
    this.labels = spec.labelArea ? new LabelArea(spec.labelArea.size, spec.labelArea.maxXfer) : undefined;
    this.security = spec.security;
  }

  get handle(): number {
    return this.spec.handle;
  }

  implements(fn: number): boolean {
    return fn < 32 && ((this.spec.dsmMask >>> fn) & 1) === 1;
  }

  /**
   * Evaluate a DIMM DSM function. Returns 0 or a negative errno, as the
   * provider's ctl does; a failed call leaves the payload's output unset.
   */
  call(family: number, fn: number, payload: Buffer): number {
    if (this.spec.family === undefined || family !== this.spec.family) return -ERRNO.ENOTTY;
    const entry = family === NVDIMM_FAMILY_INTEL ? INTEL_DIMM_DSM.get(fn) : undefined;
    if (!entry || !this.implements(fn)) return -ERRNO.ENOTTY;
    const rc = entry.handler({ firmware: this.firmware, activation: this.bus.activation }, payload);
    return this.overrideReturnCode(fn, rc);
  }

  /** nfit.c override_return_code(): the test hook wins after the function ran. */
  private overrideReturnCode(fn: number, rc: number): number {
    if ((this.failCmd >> BigInt(fn)) & 1n) return this.failCmdCode !== 0 ? this.failCmdCode : -ERRNO.EIO;
    return rc;
  }
}

export class PlatformBus {
  readonly dimms: PlatformDimm[] = [];
  readonly activation: BusActivation | undefined;

  constructor(
    readonly spec: BusSpec,
    readonly index: number,
    timeline: ActivationTimeline,
    clock: Clock,
  ) {
    this.activation = spec.activation ? new BusActivation(spec.activation, () => this.dimms.map((d) => d.firmware), timeline, clock) : undefined;
  }

  /** Evaluate a bus-level DSM (root device) function. */
  call(family: number, fn: number, payload: Buffer): number {
    if (family === NVDIMM_BUS_FAMILY_INTEL && this.activation) {
      const entry = INTEL_BUS_DSM.get(fn);
      if (!entry) return -ERRNO.ENOTTY;
      return entry.handler({ activation: this.activation }, payload);
    }
    return -ERRNO.ENOTTY;
  }

  dimm(handle: number): PlatformDimm | undefined {
    return this.dimms.find((d) => d.handle === handle);
  }
}

export class NfitPlatform {
  readonly buses: PlatformBus[];

  constructor(
    readonly topology: Topology,
    readonly clock: Clock,
  ) {
    const timeline = new ActivationTimeline();
    let slot = 0;
    this.buses = topology.buses.map((spec, index) => {
      const bus = new PlatformBus(spec, index, timeline, clock);
      for (const d of spec.dimms) bus.dimms.push(new PlatformDimm(d, slot++, bus, clock));
      return bus;
    });
  }

  get dimmSlots(): PlatformDimm[] {
    return this.buses.flatMap((b) => b.dimms);
  }
}
