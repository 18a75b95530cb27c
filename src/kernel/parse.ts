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
 * lib/kstrtox.c kstrtobool(): only the first character (two for "on"/"off")
 * decides; anything else is EINVAL.
 */
export function kstrtobool(s: string): boolean {
  const c0 = s[0];
  if (c0 !== undefined && 'yYtTeE1'.includes(c0)) return true;
  if (c0 !== undefined && 'nNfFdD0'.includes(c0)) return false;
  if (c0 === 'o' || c0 === 'O') {
    const c1 = s[1];
    if (c1 === 'n' || c1 === 'N') return true;
    if (c1 === 'f' || c1 === 'F') return false;
  }
  throw new KernelError('EINVAL', `not a boolean: ${JSON.stringify(s)}`);
}

/**
 * lib/kstrtox.c _kstrtoull() with base 0: "0x" hex, leading "0" octal,
 * otherwise decimal; one trailing newline allowed; nothing else.
 */
export function kstrtoull(input: string): bigint {
  let s = input.endsWith('\n') ? input.slice(0, -1) : input;
  if (s.startsWith('+')) s = s.slice(1);
  let base = 10;
  if (/^0[xX]/.test(s)) {
    base = 16;
    s = s.slice(2);
  } else if (s.startsWith('0') && s.length > 1) {
    base = 8;
    s = s.slice(1);
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(s)) throw new KernelError('EINVAL', `not a number: ${JSON.stringify(input)}`);
  let value = 0n;
  for (const ch of s.toLowerCase()) value = value * BigInt(base) + BigInt(parseInt(ch, 16));
  if (value > 0xffff_ffff_ffff_ffffn) throw new KernelError('ERANGE');
  return value;
}

/** kstrtol()/kstrtoint(): signed, range-checked to the given bit width. */
export function kstrtosigned(input: string, bits = 64): bigint {
  const negative = input.startsWith('-');
  const magnitude = kstrtoull(negative ? input.slice(1) : input);
  const limit = 1n << BigInt(bits - 1);
  if (negative ? magnitude > limit : magnitude >= limit) throw new KernelError('ERANGE');
  return negative ? -magnitude : magnitude;
}
