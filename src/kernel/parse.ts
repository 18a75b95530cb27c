// Input parsing as the kernel's sysfs store paths see it.
import { KernelError } from './errno.js';

/**
 * sysfs hands store() a NUL-terminated copy of what was written
 * (fs/sysfs/file.c, sysfs_kf_write), so a value written with its NUL byte,
 * as ndctl does ("arm\0"), reads as the C string before that NUL.
 */
export function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul < 0 ? bytes.length : nul).toString('latin1');
}

/** lib/string.c sysfs_streq(): equal, ignoring one trailing newline on either side. */
export function sysfsStreq(a: string, b: string): boolean {
  const strip = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);
  return strip(a) === strip(b);
}

/**
 * lib/kstrtox.c kstrtobool() as of 6.1: only the first character (two for
 * "on"/"off") decides; y/Y/t/T/1, n/N/f/F/0. ("e"/"d" for enable/disable
 * came later, in 6.2.) Anything else is EINVAL.
 */
export function kstrtobool(s: string): boolean {
  const c0 = s[0];
  if (c0 !== undefined && 'yYtT1'.includes(c0)) return true;
  if (c0 !== undefined && 'nNfF0'.includes(c0)) return false;
  if (c0 === 'o' || c0 === 'O') {
    const c1 = s[1];
    if (c1 === 'n' || c1 === 'N') return true;
    if (c1 === 'f' || c1 === 'F') return false;
  }
  throw new KernelError('EINVAL', `not a boolean: ${JSON.stringify(s)}`);
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** A digit's value in any base up to 16, or 16 for a non-digit. */
function digitValue(c: string): number {
  const v = parseInt(c, 16);
  return Number.isNaN(v) ? 16 : v;
}

/**
 * lib/kstrtox.c _kstrtoull(): _parse_integer_fixup_radix() (base 0 means
 * hex after "0x" when a hex digit follows, octal after a leading "0",
 * decimal otherwise), _parse_integer() (an overflow is ERANGE, even when
 * junk follows the digits), then one "\n" and the end of the string.
 */
function parseUnsigned(input: string, s: string, base0: number): bigint {
  let base = base0;
  if (base === 0) base = s[0] === '0' ? (/^0[xX][0-9a-fA-F]/.test(s) ? 16 : 8) : 10;
  let i = base === 16 && /^0[xX]/.test(s) ? 2 : 0;
  const first = i;
  let value = 0n;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digitValue(s[i] ?? '');
    if (d >= base) break;
    value = value * BigInt(base) + BigInt(d);
    if (value > U64_MAX) overflow = true;
  }
  if (overflow) throw new KernelError('ERANGE', `out of range: ${JSON.stringify(input)}`);
  if (i === first) throw new KernelError('EINVAL', `not a number: ${JSON.stringify(input)}`);
  if (s[i] === '\n') i++;
  if (i !== s.length) throw new KernelError('EINVAL', `not a number: ${JSON.stringify(input)}`);
  return value;
}

/** lib/kstrtox.c kstrtoull(): one leading "+", then _kstrtoull(). Base 0 unless given. */
export function kstrtoull(input: string, base = 0): bigint {
  return parseUnsigned(input, input.startsWith('+') ? input.slice(1) : input, base);
}

/**
 * lib/kstrtox.c kstrtoll() (and kstrtol/kstrtoint): "-" then _kstrtoull()
 * (so no "+" after it), else kstrtoull(); ERANGE outside the signed range
 * of the given bit width.
 */
export function kstrtosigned(input: string, bits = 64, base = 0): bigint {
  const negative = input.startsWith('-');
  const magnitude = negative ? parseUnsigned(input, input.slice(1), base) : kstrtoull(input, base);
  const limit = 1n << BigInt(bits - 1);
  if (negative ? magnitude > limit : magnitude >= limit) throw new KernelError('ERANGE');
  return negative ? -magnitude : magnitude;
}

/**
 * lib/ctype.c isspace() over Latin-1: \t \n \v \f \r, space, and 0xA0
 * (NBSP, which the kernel's table also marks _S).
 */
export function isSpace(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && ' \t\n\v\f\r\xa0'.includes(c);
}

/** lib/string.c strim(): leading and trailing isspace() removed. */
export function strim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}
