// One stream of what the simulation does, for `ndsim trace` and for
// DEBUG=ndsim:* logging: sysfs reads and writes, ioctls, DSM calls with
// their status, state transitions, the quiesce sequence and injected
// faults. Events are built only when someone listens.
import createDebug, { type Debugger } from 'debug';

export const TRACE_KINDS = ['sysfs', 'ioctl', 'dsm', 'state', 'quiesce', 'inject'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export type TraceDetail = Readonly<Record<string, string | number | boolean | null>>;

export interface TraceEvent {
  /** Order among all events of this instance, from 1 (a filtered stream has gaps). */
  readonly seq: number;
  /** The simulation clock (ms) when it happened. */
  readonly t: number;
  readonly kind: TraceKind;
  /** One line for people. */
  readonly text: string;
  readonly detail: TraceDetail;
}

export type TraceListener = (e: TraceEvent) => void;

export class Tracer {
  private readonly listeners = new Set<TraceListener>();
  private readonly log: Readonly<Record<TraceKind, Debugger>>;
  private seq = 0;

  constructor(private readonly now: () => number) {
    this.log = Object.fromEntries(TRACE_KINDS.map((k) => [k, createDebug(`ndsim:${k}`)])) as Record<TraceKind, Debugger>;
  }

  /** Whether an event of this kind would go anywhere: callers skip building it otherwise. */
  wants(kind: TraceKind): boolean {
    // debug's `enabled` is undefined, not false, until DEBUG was ever set.
    return this.listeners.size > 0 || this.log[kind].enabled === true;
  }

  emit(kind: TraceKind, text: string, detail: TraceDetail = {}): void {
    if (!this.wants(kind)) return;
    this.seq += 1;
    const event: TraceEvent = { seq: this.seq, t: this.now(), kind, text, detail };
    this.log[kind]('%s', text);
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The text form `ndsim trace` prints: clock, kind, what happened. */
export function formatTraceEvent(e: TraceEvent): string {
  return `${(e.t / 1000).toFixed(3).padStart(10)} ${e.kind.padEnd(7)} ${e.text}`;
}
