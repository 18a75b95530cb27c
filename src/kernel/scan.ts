// The pieces of lib/vsprintf.c the sysfs stores ndsim mirrors lean on:
// vsscanf()'s integer conversions and simple_strtoul().
import { isSpace } from './parse.js';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * vsscanf() for one decimal integer conversion (%d, %ld, %llu): leading
 * whitespace skipped, a "-" only for a signed conversion (never a "+"),
 * at least one digit, the value wrapping at 64 bits like simple_strtoull().
 * The value (as signed 64-bit; narrow it for %d) and the index after it,
 * or null when the conversion does not match.
 */
export function scanDecimal(s: string, from: number, signed: boolean): { value: bigint; end: number } | null {
  let i = from;
  while (isSpace(s[i])) i++;
  const negative = signed && s[i] === '-';
  if (negative) i++;
  const start = i;
  while (isDigit(s[i])) i++;
  if (i === start) return null;
  const magnitude = BigInt.asUintN(64, BigInt(s.slice(start, i)));
  return { value: BigInt.asIntN(64, negative ? -magnitude : magnitude), end: i };
}

/** simple_strtoul(s, NULL, 10): the leading decimal digits, 0 when there are none; never fails. */
export function simpleStrtoul(s: string): bigint {
  let i = 0;
  while (isDigit(s[i])) i++;
  return i === 0 ? 0n : BigInt.asUintN(64, BigInt(s.slice(0, i)));
}
