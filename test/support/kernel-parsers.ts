// Independent re-statements of the kernel's input parsers, for the
// bad-input oracle (test/support/bad-input-oracle.ts). Written from the
// 6.1 sources, not from src/, so that a bug in src/kernel/parse.ts cannot
// hide itself. Each returns the errno name the kernel would return, or the
// parsed value.
import type { ErrnoName } from '../../src/kernel/errno.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errno: ErrnoName };

const fail = (errno: ErrnoName): { ok: false; errno: ErrnoName } => ({ ok: false, errno });

function digitValue(c: string): number {
  const code = c.toLowerCase().charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return 99;
}

const isXdigit = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * lib/kstrtox.c _kstrtoull(): _parse_integer_fixup_radix() (base 0: "0x"
 * followed by a hex digit is hex, a leading "0" octal), _parse_integer()
 * (overflow is ERANGE even when junk follows), then one "\n" and nothing else.
 */
function kstrtoullNoSign(s: string, base0: number): Parsed<bigint> {
  let base = base0;
  let i = 0;
  if (base === 0) {
    if (s[0] === '0') base = s[1]?.toLowerCase() === 'x' && isXdigit(s[2]) ? 16 : 8;
    else base = 10;
  }
  if (base === 16 && s[0] === '0' && s[1]?.toLowerCase() === 'x') i = 2;
  let value = 0n;
  let overflow = false;
  const start = i;
  while (i < s.length) {
    const d = digitValue(s[i] ?? '');
    if (d >= base) break;
    value = value * BigInt(base) + BigInt(d);
    if (value > 0xffff_ffff_ffff_ffffn) overflow = true;
    i++;
  }
  if (overflow) return fail('ERANGE');
  if (i === start) return fail('EINVAL');
  if (s[i] === '\n') i++;
  if (i !== s.length) return fail('EINVAL');
  return { ok: true, value };
}

/** kstrtoull(): one leading "+" allowed. */
export function kstrtoull(s: string, base = 0): Parsed<bigint> {
  return kstrtoullNoSign(s[0] === '+' ? s.slice(1) : s, base);
}

/** kstrtoll(): "-" then _kstrtoull() (no "+" after it), else kstrtoull(); ERANGE outside s64. */
export function kstrtoll(s: string, base = 0): Parsed<bigint> {
  if (s[0] === '-') {
    const r = kstrtoullNoSign(s.slice(1), base);
    if (!r.ok) return r;
    if (r.value > 1n << 63n) return fail('ERANGE');
    return { ok: true, value: -r.value };
  }
  const r = kstrtoull(s, base);
  if (!r.ok) return r;
  if (r.value >= 1n << 63n) return fail('ERANGE');
  return r;
}

/** kstrtobool() of 6.1: y/Y/t/T/1, n/N/f/F/0, on/off; nothing else (no e/d yet). */
export function kstrtobool(s: string): Parsed<boolean> {
  const c = s[0];
  if (c !== undefined && 'yYtT1'.includes(c)) return { ok: true, value: true };
  if (c !== undefined && 'nNfF0'.includes(c)) return { ok: true, value: false };
  if (c === 'o' || c === 'O') {
    if (s[1] === 'n' || s[1] === 'N') return { ok: true, value: true };
    if (s[1] === 'f' || s[1] === 'F') return { ok: true, value: false };
  }
  return fail('EINVAL');
}

/** lib/string.c sysfs_streq(). */
export function sysfsStreq(a: string, b: string): boolean {
  const strip = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);
  return strip(a) === strip(b);
}

/** lib/uuid.c uuid_is_valid(): the first 36 characters only. */
export function uuidIsValid(s: string): boolean {
  for (let i = 0; i < 36; i++) {
    const c = s[i];
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== '-') return false;
    } else if (!isXdigit(c)) return false;
  }
  return true;
}

/** isspace() of lib/ctype.c's Latin-1 table: 0xA0 (NBSP) is _S too. */
export const isSpace = (c: string | undefined): boolean => c !== undefined && c.length === 1 && ' \t\n\v\f\r\xa0'.includes(c);

/** lib/string.c strim(): leading and trailing whitespace removed. */
export function strim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

/**
 * lib/vsprintf.c vsscanf() for one signed/unsigned decimal conversion
 * (%d, %ld, %llu): whitespace skipped, "-" for a signed one, at least
 * one digit. Returns the value (as a signed 64-bit number; the caller
 * narrows it) and where parsing stopped, or null (no match).
 */
export function scanDecimal(s: string, from: number, signed: boolean): { value: bigint; end: number } | null {
  let i = from;
  while (isSpace(s[i])) i++;
  // Only a signed conversion takes a "-"; vsscanf() takes no "+" at all.
  const negative = signed && s[i] === '-';
  if (negative) i++;
  const start = i;
  while (i < s.length && /[0-9]/.test(s[i] ?? '')) i++;
  if (i === start) return null;
  // simple_strtoull() wraps silently.
  const magnitude = BigInt.asUintN(64, BigInt(s.slice(start, i)));
  return { value: BigInt.asIntN(64, negative ? -magnitude : magnitude), end: i };
}
