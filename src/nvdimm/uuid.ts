// lib/uuid.c as libnvdimm uses it: uuid_parse() for sysfs writes, %pUb
// for shows and label ids, guid_parse() byte order for the GUIDs stored in
// labels (type and abstraction GUIDs).
import { KernelError } from '../kernel/errno.js';

/** UUID_STRING_LEN */
const UUID_STRING_LEN = 36;
const HYPHENS = new Set([8, 13, 18, 23]);
/** guid_index[]: where each parsed byte lands for a little-endian GUID. */
const GUID_INDEX = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** uuid_is_valid(): 36 characters, hyphens at 8/13/18/23, hex elsewhere; what follows is ignored. */
function uuidIsValid(s: string): boolean {
  if (s.length < UUID_STRING_LEN) return false;
  for (let i = 0; i < UUID_STRING_LEN; i++) {
    const c = s[i] ?? '';
    if (HYPHENS.has(i) ? c !== '-' : !/[0-9a-fA-F]/.test(c)) return false;
  }
  return true;
}

function parseBytes(s: string, index: readonly number[]): Buffer {
  if (!uuidIsValid(s)) throw new KernelError('EINVAL', `not a uuid: ${JSON.stringify(s)}`);
  const hex = s.slice(0, UUID_STRING_LEN).replace(/-/g, '');
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[index[i] ?? i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** uuid_parse(): 16 bytes in string order; EINVAL when malformed. */
export function uuidParse(s: string): Buffer {
  return parseBytes(s, Array.from({ length: 16 }, (_, i) => i));
}

/** guid_parse(): the first three groups stored little-endian. */
export function guidParse(s: string): Buffer {
  return parseBytes(s, GUID_INDEX);
}

/** %pUb: the bytes in order, lowercase, 8-4-4-4-12. */
export function formatUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
