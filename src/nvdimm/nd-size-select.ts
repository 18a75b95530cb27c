// drivers/nvdimm/core.c nd_size_select_show/nd_size_select_store: a choice
// among a fixed list of sizes (btt sector_size, pfn/dax align), shown with
// the current one bracketed.
import { KernelError } from '../kernel/errno.js';
import { kstrtoull } from '../kernel/parse.js';

/** Each supported size followed by a space, the current one as "[size] ", then "\n". */
export function sizeSelectShow(current: bigint, supported: readonly bigint[]): string {
  return `${supported.map((s) => (s === current ? `[${s}] ` : `${s} `)).join('')}\n`;
}

/** EBUSY while bound, kstrtoul()'s EINVAL, then EINVAL for a size not on the list. */
export function sizeSelectStore(bound: boolean, buf: string, supported: readonly bigint[]): bigint {
  if (bound) throw new KernelError('EBUSY');
  const value = kstrtoull(buf);
  if (!supported.includes(value)) throw new KernelError('EINVAL');
  return value;
}
