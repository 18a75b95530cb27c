// Address range scrub as the bus's nfit/scrub attribute sees it
// (drivers/acpi/nfit/core.c scrub_show/scrub_store): a count of completed
// scrubs and whether one is running. nfit starts one at probe; nfit_test's
// ARS status reports busy for a while after each start.
import type { Clock } from '../clock/clock.js';
import { KernelError } from '../kernel/errno.js';

export class ScrubState {
  private completed = 0;
  private runningUntil: number | null;

  constructor(
    private readonly clock: Clock,
    private readonly durationMs: number,
  ) {
    this.runningUntil = clock.now() + durationMs;
  }

  private settle(): void {
    if (this.runningUntil !== null && this.clock.now() >= this.runningUntil) {
      this.completed += 1;
      this.runningUntil = null;
    }
  }

  /** Whether the kernel's scrub work is queued or running (work_busy()). */
  get running(): boolean {
    this.settle();
    return this.runningUntil !== null;
  }

  /** "%u" completed count, "+" while a scrub runs. */
  show(): string {
    this.settle();
    return `${this.completed}${this.runningUntil !== null ? '+' : ''}\n`;
  }

  /** Writing 1 requests a full scrub; EBUSY while one is already running. */
  start(): void {
    this.settle();
    if (this.runningUntil !== null) throw new KernelError('EBUSY');
    this.runningUntil = this.clock.now() + this.durationMs;
  }
}
