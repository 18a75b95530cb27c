// Interleave-set cookies (drivers/acpi/nfit/core.c acpi_nfit_init_interleave_set,
// drivers/nvdimm/core.c nd_fletcher64): a Fletcher-64 over per-mapping
// records sorted by region offset, in the v1.1 and v1.2 label layouts.
// The NFIT stores DCR fields big-endian; the kernel hashes the raw bytes.
import { fletcher64 } from './nd-fletcher64.js';

export interface InterleaveMember {
  regionOffset: bigint;
  /** DCR fields as sysfs shows them (byte-swapped from the raw table). */
  serial: number;
  vendor: number;
  manufacturing?: { location: number; date: number } | undefined;
}

function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}

function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}

function byOffset(a: InterleaveMember, b: InterleaveMember): number {
  return a.regionOffset < b.regionOffset ? -1 : a.regionOffset > b.regionOffset ? 1 : 0;
}

/** nd_fletcher64() over struct nfit_set_info (16 bytes): region_offset, serial_number, pad. */
function setInfoCookie(sorted: readonly InterleaveMember[]): bigint {
  const buf = Buffer.alloc(16 * sorted.length);
  sorted.forEach((m, i) => {
    buf.writeBigUInt64LE(m.regionOffset, i * 16);
    buf.writeUInt32LE(bswap32(m.serial), i * 16 + 8);
  });
  return fletcher64(buf);
}

/** cookie1: nfit_set_info sorted by region offset (cmp_map). */
export function cookieV11(members: readonly InterleaveMember[]): bigint {
  return setInfoCookie([...members].sort(byOffset));
}

/**
 * The altcookie: nfit_set_info sorted by cmp_map_compat(), a memcmp() of the
 * little-endian region offsets, for v1.1 namespaces written with that order.
 */
export function cookieV11Compat(members: readonly InterleaveMember[]): bigint {
  const le = (m: InterleaveMember) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(m.regionOffset);
    return b;
  };
  return setInfoCookie([...members].sort((a, b) => Buffer.compare(le(a), le(b))));
}

/** struct nfit_set_info2 (48 bytes): adds vendor, manufacturing date and location. */
export function cookieV12(members: readonly InterleaveMember[]): bigint {
  const sorted = [...members].sort(byOffset);
  const buf = Buffer.alloc(48 * sorted.length);
  sorted.forEach((m, i) => {
    const at = i * 48;
    buf.writeBigUInt64LE(m.regionOffset, at);
    buf.writeUInt32LE(bswap32(m.serial), at + 8);
    buf.writeUInt16LE(bswap16(m.vendor), at + 12);
    buf.writeUInt16LE(bswap16(m.manufacturing?.date ?? 0), at + 14);
    buf.writeUInt8(m.manufacturing?.location ?? 0, at + 16);
  });
  return fletcher64(buf);
}

/** The position each member takes in the v1.2 sort (mapping "position"). */
export function positions(members: readonly InterleaveMember[]): number[] {
  const sorted = [...members].sort(byOffset);
  return members.map((m) => sorted.indexOf(m));
}
