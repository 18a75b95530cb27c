// The order in which sysfs lists a directory: kernfs keeps children in an
// rbtree ordered by name hash, then name (fs/kernfs/dir.c kernfs_name_hash,
// kernfs_name_compare), and readdir walks that tree. Consumers see it:
// ndctl builds its device lists in readdir order, so `ndctl list` prints
// nmem1, nmem3, nmem0, nmem2 on nfit_test.

const MASK64 = (1n << 64n) - 1n;
/** include/linux/hash.h GOLDEN_RATIO_64 */
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
const INT_MAX = 0x7fffffff;

export function kernfsNameHash(name: string): number {
  // init_name_hash(NULL ns) = 0; partial_name_hash per byte; end_name_hash = hash_long(hash, 32).
  let hash = 0n;
  for (const c of Buffer.from(name, 'latin1')) {
    const ch = BigInt(c);
    hash = ((hash + (ch << 4n) + (ch >> 4n)) * 11n) & MASK64;
  }
  let h = Number(((hash * GOLDEN_RATIO_64) & MASK64) >> 32n) & INT_MAX;
  // 0, 1 and INT_MAX are reserved for "." , ".." and the end marker.
  if (h < 2) h += 2;
  if (h >= INT_MAX) h = INT_MAX - 1;
  return h;
}

/** Names recur across every device directory; hash each once (readdir is on the FUSE hot path). */
const hashes = new Map<string, number>();

function cachedHash(name: string): number {
  let h = hashes.get(name);
  if (h === undefined) {
    h = kernfsNameHash(name);
    hashes.set(name, h);
  }
  return h;
}

export function kernfsOrder(names: Iterable<string>): string[] {
  const keyed = [...names].map((n) => ({ n, h: cachedHash(n) }));
  keyed.sort((a, b) => a.h - b.h || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return keyed.map((k) => k.n);
}
