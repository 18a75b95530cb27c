// Faults injected into one device's DSM engine (`ndsim inject dsm`): a
// function fails the whole call with an errno (like nfit_test's fail_cmd,
// but without running the function), or answers with a chosen firmware
// status instead of doing its work. Either for a number of calls or until
// cleared.

export interface DsmFault {
  readonly fn: number;
  /** Fail the call: the provider's ctl returns -errno. */
  readonly errno?: number;
  /** Answer with this status word and do nothing else. */
  readonly status?: number;
  /** Calls left to fail; undefined: until cleared. */
  remaining?: number;
}

export class DsmFaults {
  private readonly byFn = new Map<number, DsmFault>();

  set(fault: DsmFault): void {
    this.byFn.set(fault.fn, { ...fault });
  }

  clear(): void {
    this.byFn.clear();
  }

  list(): DsmFault[] {
    return [...this.byFn.values()];
  }

  /** The fault a call of `fn` meets now, if `applies` to it; counted down only then. */
  take(fn: number, applies: (f: DsmFault) => boolean): DsmFault | undefined {
    const f = this.byFn.get(fn);
    if (!f || !applies(f)) return undefined;
    if (f.remaining !== undefined) {
      f.remaining -= 1;
      if (f.remaining <= 0) this.byFn.delete(fn);
    }
    return f;
  }
}
