// The control service's protocol: one JSON request per line from the
// client, one JSON response line back (or, for "trace", one line per
// event until the client hangs up). Validated with zod at the boundary.
import { z } from 'zod';
import { ERRNO, type ErrnoName } from '../kernel/errno.js';
import { ACTIVATION_OUTCOMES } from '../topology/schema.js';
import { TRACE_KINDS } from '../trace/tracer.js';

const dimm = z.string().regex(/^nmem\d+$/, 'expected a DIMM name like nmem0');
const bus = z.string().regex(/^ndbus\d+$/, 'expected a bus name like ndbus0');
const errno = z.enum(Object.keys(ERRNO) as [ErrnoName, ...ErrnoName[]]);
const ms = z.number().nonnegative().finite();

/** Results an activation can be forced to give: the outcomes, the kernel's "fail" (firmware ERROR) and "not_staged". */
export const FORCED_RESULTS = [...ACTIVATION_OUTCOMES, 'fail', 'not_staged'] as const;
export type ForcedResult = (typeof FORCED_RESULTS)[number];

export const faultSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('dsm'),
      target: z.union([dimm, bus]),
      fn: z.number().int().min(0).max(63),
      errno: errno.optional(),
      status: z.number().int().min(0).max(0xffff_ffff).optional(),
      /** Fail this many calls, then behave again; absent: until cleared. */
      times: z.number().int().positive().optional(),
    })
    .refine((f) => (f.errno === undefined) !== (f.status === undefined), 'give exactly one of errno and status'),
  z.strictObject({ kind: z.literal('result'), dimm, result: z.enum(FORCED_RESULTS) }),
  z.strictObject({ kind: z.literal('busy'), bus, ms }),
  /** Absent ms: until cleared. */
  z.strictObject({ kind: z.literal('stall-verify'), dimm, ms: ms.optional() }),
]);
export type Fault = z.output<typeof faultSchema>;

export const requestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('inject'), fault: faultSchema }),
  /** Remove injected faults, of one device or all. */
  z.strictObject({ op: z.literal('clear'), target: z.union([dimm, bus]).optional() }),
  z.strictObject({ op: z.literal('advance'), ms }),
  z.strictObject({ op: z.literal('report') }),
  z.strictObject({ op: z.literal('explain'), path: z.string().min(1) }),
  z.strictObject({ op: z.literal('trace'), kinds: z.array(z.enum(TRACE_KINDS)).optional() }),
]);
export type Request = z.output<typeof requestSchema>;

export type Response = { ok: true; [key: string]: unknown } | { ok: false; error: string };
