// The simulated ACPI NFIT platform: the buses and DIMMs a topology declares,
// their firmware, label storage and DSM engine. The libnvdimm model above
// talks to it only through DSM calls and the NFIT data, as the kernel does.
import type { Clock } from '../clock/clock.js';
import { ERRNO } from '../kernel/errno.js';
import type { ActivationOutcome, BusSpec, DimmSpec, Topology } from '../topology/schema.js';
import { Tracer } from '../trace/tracer.js';
import { ActivationTimeline, BusActivation, type ActivationMember } from './bus-activation.js';
import { DimmFirmware } from './dimm-firmware.js';
import { DIMM_CTL, NVDIMM_FAMILY_INTEL, type CtlDimm } from './dimm-ctl.js';
import { evaluate } from './dsm-evaluate.js';
import { DsmFaults } from './dsm-faults.js';
import { Machine } from './machine.js';
import { INTEL_BUS_DSM } from './intel-bus-dsm.js';
import type { DimmDsmContext } from './intel-dimm-dsm.js';
import { LabelArea } from './label-area.js';
import { ND_CMD, ND_CMD_PKG } from './nd-cmd-payloads.js';
import { decode, encode } from './payload.js';
import { SmartHealth } from './smart-health.js';
import type { PlatformPersistence } from './platform-persistence.js';
import { regionKey } from './platform-persistence.js';
import { StateKeeper, type MediaBacking } from './state-keeper.js';

export { NVDIMM_FAMILY_INTEL };
export const NVDIMM_BUS_FAMILY_NFIT = 0;
export const NVDIMM_BUS_FAMILY_INTEL = 1;

/**
 * acpi_nfit_register_dimms(): cmd_mask is ND_CMD_CALL plus, for the Intel
 * family, the DSM functions 1..9 that map onto classic commands.
 */
function dimmCmdMask(spec: DimmSpec): number {
  if (spec.family === undefined) return 0;
  let mask = 1 << ND_CMD.CALL;
  if (spec.family === NVDIMM_FAMILY_INTEL) mask |= spec.dsmMask & 0x3fe;
  return mask;
}

export class PlatformDimm implements CtlDimm, ActivationMember {
  readonly firmware: DimmFirmware;
  readonly labels: LabelArea | undefined;
  readonly smart = new SmartHealth();
  readonly cmdMask: number;
  readonly context: DimmDsmContext;
  /** nfit_test_dimm fail_cmd: DSM function numbers forced to fail. */
  failCmd = 0n;
  /** nfit_test_dimm fail_cmd_code: the return code forced (0 means -EIO). */
  failCmdCode = 0;
  /** Security state as the firmware reports it (nfit_test's dimm_sec_info). */
  security: DimmSpec['security'];
  /** Faults injected into this DIMM's DSM functions. */
  readonly faults = new DsmFaults();
  /** An outcome injected for the next activations, over the topology's. */
  forcedOutcome: ActivationOutcome | 'not_staged' | undefined;
  /** The nmemN name libnvdimm gave the DIMM, once registered. */
  devName: string | undefined;

  constructor(
    readonly spec: DimmSpec,
    /** Index among all DIMM slots of the platform (nfit_test's test_dimmN). */
    readonly slot: number,
    readonly bus: PlatformBus,
    clock: Clock,
  ) {
    this.firmware = new DimmFirmware(spec.firmware, clock, () => this.name, bus.tracer);
    const area = spec.labelArea;
    this.labels = area ? new LabelArea(area.size, area.maxXfer, area.initial) : undefined;
    this.security = spec.security;
    this.cmdMask = dimmCmdMask(spec);
    this.context = { firmware: this.firmware, activation: bus.activation, labels: this.labels, smart: this.smart, member: this };
  }

  get name(): string {
    return this.devName ?? `dimm 0x${this.handle.toString(16)}`;
  }
  get tracer(): Tracer {
    return this.bus.tracer;
  }

  outcome(): ActivationOutcome | 'not_staged' {
    return this.forcedOutcome ?? this.spec.activationOutcome;
  }

  get handle(): number {
    return this.spec.handle;
  }
  get family(): number | undefined {
    return this.spec.family;
  }
  get ndCmdCall(): boolean {
    return this.spec.ndCmdCall;
  }

  implements(fn: number): boolean {
    return fn < 32 && ((this.spec.dsmMask >>> fn) & 1) === 1;
  }

  /**
   * The provider's ctl for command `cmd` (an ND_CMD_* number) on the whole
   * ioctl buffer: 0, the bytes left unfilled, or a negative errno.
   */
  ctl(cmd: number, buf: Buffer): number {
    const rc = DIMM_CTL[this.bus.spec.nfit.ctl](this, cmd, buf);
    // Whatever the command changed of the firmware is durable before it returns.
    if (this.bus.keeper && !this.bus.keeper.settle(this.bus.index, [this])) return -ERRNO.EIO;
    return rc;
  }

  /**
   * A kernel-internal DSM call (intel.c builds an nd_cmd_pkg and goes
   * through the same ctl): 0 or a negative errno, the payload holding
   * `sizeIn` input bytes then the output.
   */
  call(family: number, fn: number, payload: Buffer, sizeIn = 0): number {
    const buf = Buffer.alloc(ND_CMD_PKG.size + payload.length);
    encode(ND_CMD_PKG, buf, { family: BigInt(family), command: BigInt(fn), sizeIn, sizeOut: payload.length - sizeIn });
    payload.copy(buf, ND_CMD_PKG.size);
    const rc = this.ctl(ND_CMD.CALL, buf);
    buf.copy(payload, 0, ND_CMD_PKG.size);
    return rc;
  }

  /** nfit.c override_return_code(): the test hook wins after the function ran. */
  overrideReturnCode(fn: number, rc: number): number {
    if (this.bus.spec.nfit.ctl !== 'nfit_test') return rc;
    if (!((this.failCmd >> BigInt(fn)) & 1n)) return rc;
    const forced = this.failCmdCode !== 0 ? this.failCmdCode : -ERRNO.EIO;
    this.tracer.emit('inject', `${this.name} fn ${fn}: nfit_test fail_cmd turns rc ${rc} into ${forced}`, { device: this.name, fn, rc, forced });
    return forced;
  }
}

export class PlatformBus {
  readonly dimms: PlatformDimm[] = [];
  readonly activation: BusActivation | undefined;
  /** Faults injected into the bus's (root device's) DSM functions. */
  readonly faults = new DsmFaults();
  /** The ndbusN name libnvdimm gave the bus, once registered. */
  devName: string | undefined;
  /** Set when a state directory keeps the platform's state. */
  keeper: StateKeeper | undefined;

  constructor(
    readonly spec: BusSpec,
    readonly index: number,
    timeline: ActivationTimeline,
    clock: Clock,
    readonly machine: Machine,
    readonly tracer: Tracer,
  ) {
    this.activation = spec.activation
      ? new BusActivation(() => this.name, spec.activation, () => this.dimms, timeline, clock, machine, tracer)
      : undefined;
  }

  get name(): string {
    return this.devName ?? `bus ${this.index}`;
  }

  /** Families the bus answers ND_CMD_CALL for (nd_desc->bus_family_mask). */
  get busFamilyMask(): number {
    return (1 << NVDIMM_BUS_FAMILY_NFIT) | (this.activation ? 1 << NVDIMM_BUS_FAMILY_INTEL : 0);
  }

  /** DIMM families found on the bus (nd_desc->dimm_family_mask). */
  get dimmFamilyMask(): number {
    return this.dimms.reduce((mask, d) => (d.spec.family === undefined ? mask : mask | (1 << d.spec.family)), 0);
  }

  /**
   * The provider's ctl for a bus command on the whole ioctl buffer. Only the
   * Intel bus family is modelled; the NFIT root functions (ARS, translate
   * SPA, error injection) answer -ENOTTY.
   */
  ctl(cmd: number, buf: Buffer): number {
    if (cmd !== ND_CMD.CALL) return -ERRNO.ENOTTY;
    const pkg = decode(ND_CMD_PKG, buf);
    const payload = buf.subarray(ND_CMD_PKG.size, Math.min(buf.length, ND_CMD_PKG.size + pkg.sizeIn + pkg.sizeOut));
    // nfit_test_ctl's func is an unsigned int: nd_command loses its high half.
    return this.call(Number(pkg.family), Number(BigInt.asUintN(32, pkg.command)), payload, pkg.sizeIn);
  }

  /** Evaluate a bus-level DSM (root device) function; the output starts after `sizeIn` bytes. */
  call(family: number, fn: number, payload: Buffer, sizeIn = 0): number {
    if (family === NVDIMM_BUS_FAMILY_INTEL && this.activation) {
      const entry = INTEL_BUS_DSM.get(fn);
      if (!entry) return -ERRNO.ENOTTY;
      const rc = evaluate(this, fn, entry, { activation: this.activation }, payload, sizeIn);
      // An activation changes every armed DIMM of the bus.
      if (this.keeper && !this.keeper.settle(this.index, this.dimms)) return -ERRNO.EIO;
      return rc;
    }
    return -ERRNO.ENOTTY;
  }

  /**
   * The media behind region `regionIndex` of this bus as kept by a state
   * directory; undefined without one (the region starts zeroed).
   */
  media(regionIndex: number): MediaBacking | undefined {
    return this.keeper?.media(regionKey(this.index, regionIndex));
  }

  dimm(handle: number): PlatformDimm | undefined {
    return this.dimms.find((d) => d.handle === handle);
  }
}

export class NfitPlatform {
  readonly buses: PlatformBus[];
  readonly machine: Machine;

  constructor(
    readonly topology: Topology,
    readonly clock: Clock,
    readonly tracer: Tracer = new Tracer(() => clock.now()),
    /** A state directory's saved state and sink (ndsim mount --state). */
    persistence?: PlatformPersistence,
  ) {
    const timeline = new ActivationTimeline();
    this.machine = new Machine(topology.machine, tracer);
    const keeper = persistence ? new StateKeeper(persistence, timeline, tracer) : undefined;
    keeper?.adoptTimeline();
    let slot = 0;
    this.buses = topology.buses.map((spec, index) => {
      const bus = new PlatformBus(spec, index, timeline, clock, this.machine, tracer);
      bus.keeper = keeper;
      for (const d of spec.dimms) {
        const dimm = new PlatformDimm(d, slot++, bus, clock);
        // Saved state is in place before the model first asks the DIMM.
        keeper?.adopt(index, dimm);
        bus.dimms.push(dimm);
      }
      return bus;
    });
  }

  get dimmSlots(): PlatformDimm[] {
    return this.buses.flatMap((b) => b.dimms);
  }
}
