// Shape of a DSM function table: function number → handler. A handler gets
// the payload buffer (input bytes followed by output bytes, as nd_cmd_pkg
// carries them) and returns what the provider's ctl returns: 0, or a
// negative errno when the call itself fails.
import { ERRNO } from '../kernel/errno.js';
import { fits, type Fields, type Layout } from './payload.js';

export type DsmHandler<Ctx> = (ctx: Ctx, payload: Buffer) => number;

export interface DsmFunction<Ctx> {
  readonly name: string;
  readonly handler: DsmHandler<Ctx>;
}

export type DsmTable<Ctx> = ReadonlyMap<number, DsmFunction<Ctx>>;

/**
 * nfit_test rejects a buffer shorter than the structure with -EINVAL before
 * touching it; every handler that reads or writes a layout goes through this.
 */
export function withLayout<Ctx, F extends Fields>(layout: Layout<F>, fn: (ctx: Ctx, payload: Buffer) => number): DsmHandler<Ctx> {
  return (ctx, payload) => (fits(layout, payload) ? fn(ctx, payload) : -ERRNO.EINVAL);
}
