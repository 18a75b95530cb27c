// The rest of the machine, as a firmware activation meets it: the tasks
// and devices a "quiesce" activation freezes first (kernel/power), and
// what each of them lives through while the memory controller is
// quiesced. Deterministic: nothing here sleeps; durations are the
// platform's declared quiesce times.
import type { MachineSpec } from '../topology/schema.js';
import type { Tracer } from '../trace/tracer.js';

type ProcessSpec = MachineSpec['processes'][number];
type DeviceSpec = MachineSpec['devices'][number];

export class ProcessActor {
  frozen = false;
  /** Quiesces that outlasted the task's I/O deadline. */
  missedDeadlines = 0;
  /** The longest stall the task saw (µs). */
  longestStallUs = 0;
  constructor(readonly spec: ProcessSpec) {}
}

export class DeviceActor {
  frozen = false;
  /** Quiesces during which the device still moved data into memory. */
  dmaDuringQuiesce = 0;
  /** PCIe completion timeouts the device took (the platform let a quiesce outlast its timeout). */
  completionTimeouts = 0;
  /** Times its freeze callback failed. */
  freezeFailures = 0;
  constructor(readonly spec: DeviceSpec) {}

  /** Whether the device's DMA is still running: not frozen, or frozen but not stopped (RDMA). */
  get dmaRunning(): boolean {
    return this.spec.dma && (!this.frozen || this.spec.freeze === 'keeps-dma');
  }

  /** Whether the device's transfers would outlast its completion timeout during a quiesce of `us`. */
  timesOut(us: number): boolean {
    return this.dmaRunning && this.spec.completionTimeoutUs !== undefined && this.spec.completionTimeoutUs < us;
  }
}

/** What one quiesce window did to the machine, for the activation's record. */
export interface QuiesceImpact {
  readonly quiesceUs: number;
  readonly frozen: readonly string[];
  readonly dmaRunning: readonly string[];
  readonly completionTimeouts: readonly string[];
  readonly missedDeadlines: readonly string[];
}

export class Machine {
  readonly processes: ProcessActor[];
  readonly devices: DeviceActor[];
  hibernationBusy: boolean;
  /** Set by the OS while it runs a function with the machine frozen (hibernate_quiet_exec). */
  frozen = false;

  constructor(
    spec: MachineSpec,
    private readonly tracer: Tracer,
  ) {
    this.processes = spec.processes.map((p) => new ProcessActor(p));
    this.devices = spec.devices.map((d) => new DeviceActor(d));
    this.hibernationBusy = spec.hibernationBusy;
  }

  /** Devices whose DMA would overrun their completion timeout during a quiesce of `us`. */
  completionTimeoutRisks(us: number): DeviceActor[] {
    return this.devices.filter((d) => d.timesOut(us));
  }

  /**
   * The memory controller is quiesced for `us`: every task stalls that long
   * (frozen ones notice when they thaw), and devices still doing DMA see
   * their reads wait; those that cannot wait that long time out.
   */
  quiesce(us: number): QuiesceImpact {
    const missed: string[] = [];
    for (const p of this.processes) {
      p.longestStallUs = Math.max(p.longestStallUs, us);
      if (p.spec.ioDeadlineUs !== undefined && p.spec.ioDeadlineUs < us) {
        p.missedDeadlines += 1;
        missed.push(p.spec.name);
        this.tracer.emit('quiesce', `${p.spec.name}: I/O stalled ${us} us, deadline ${p.spec.ioDeadlineUs} us: missed`, { actor: p.spec.name, stallUs: us, deadlineUs: p.spec.ioDeadlineUs });
      }
    }
    const running = this.devices.filter((d) => d.dmaRunning);
    const timedOut: string[] = [];
    for (const d of running) {
      d.dmaDuringQuiesce += 1;
      this.tracer.emit('quiesce', `${d.spec.name}: DMA kept running through the ${us} us quiesce${d.frozen ? ' (frozen, but its DMA does not stop)' : ''}`, { actor: d.spec.name, frozen: d.frozen });
      if (d.timesOut(us)) {
        d.completionTimeouts += 1;
        timedOut.push(d.spec.name);
        this.tracer.emit('quiesce', `${d.spec.name}: PCIe completion timeout (${d.spec.completionTimeoutUs ?? 0} us < ${us} us quiesce)`, { actor: d.spec.name });
      }
    }
    return {
      quiesceUs: us,
      frozen: [...this.processes, ...this.devices].filter((a) => a.frozen).map((a) => a.spec.name),
      dmaRunning: running.map((d) => d.spec.name),
      completionTimeouts: timedOut,
      missedDeadlines: missed,
    };
  }
}
