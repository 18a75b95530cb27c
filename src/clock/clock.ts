// One clock for every timed behaviour (busy windows, verify delays, scrub):
// real by default, virtual on request so tests move time without sleeping.

export interface Clock {
  /** Milliseconds on a monotonic time line. */
  now(): number;
  readonly kind: 'real' | 'virtual';
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private readonly origin = performance.now();
  now(): number {
    return performance.now() - this.origin;
  }
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private t = 0;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.t += ms;
  }
}

export type ClockKind = Clock['kind'];

export function makeClock(kind: ClockKind): Clock {
  return kind === 'virtual' ? new VirtualClock() : new RealClock();
}
