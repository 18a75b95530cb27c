// Evaluating one DSM function of a device: injected faults first, then the
// function's handler, and a trace of the call with its firmware status.
import { errnoName } from '../kernel/errno.js';
import type { Tracer } from '../trace/tracer.js';
import type { DsmFaults } from './dsm-faults.js';
import type { DsmFunction } from './dsm-table.js';

/** The device a DSM is evaluated on, as faults and traces need it. */
export interface DsmCaller {
  /** Its kernel name once registered (nmemN, ndbusN), for traces. */
  readonly name: string;
  readonly faults: DsmFaults;
  readonly tracer: Tracer;
}

/** Where the status word sits: the first u32 of the output, when the payload holds one. */
function statusOffset(payload: Buffer, sizeIn: number | null): number | null {
  return sizeIn !== null && sizeIn + 4 <= payload.length ? sizeIn : null;
}

/**
 * `sizeIn`: where the output (and so the status word) starts, when the
 * call came through an nd_cmd_pkg; null for classic commands, whose
 * status faults do not apply.
 */
export function evaluate<Ctx>(caller: DsmCaller, fn: number, entry: DsmFunction<Ctx>, ctx: Ctx, payload: Buffer, sizeIn: number | null): number {
  const at = statusOffset(payload, sizeIn);
  // A status fault needs a status word to write: classic commands pass it by.
  const fault = caller.faults.take(fn, (f) => f.errno !== undefined || at !== null);
  let rc: number;
  let injected = '';
  if (fault?.errno !== undefined) {
    rc = -fault.errno;
    injected = ' (injected)';
  } else if (fault?.status !== undefined && at !== null) {
    payload.writeUInt32LE(fault.status >>> 0, at);
    rc = 0;
    injected = ' (injected)';
  } else {
    rc = entry.handler(ctx, payload);
  }
  if (caller.tracer.wants('dsm')) {
    const status = rc === 0 && at !== null ? payload.readUInt32LE(at) : null;
    const outcome = rc < 0 ? `-${errnoName(-rc) ?? -rc}` : `rc ${rc}${status === null ? '' : ` status 0x${status.toString(16)}`}`;
    caller.tracer.emit('dsm', `${caller.name} fn ${fn} ${entry.name}: ${outcome}${injected}`, { device: caller.name, fn, name: entry.name, rc, status, injected: injected !== '' });
  }
  return rc;
}
