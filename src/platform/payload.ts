// Declarative little-endian struct layouts for DSM payloads: one table per
// firmware interface structure, instead of offset arithmetic in handlers.

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64';
export interface Field {
  readonly offset: number;
  readonly type: FieldType;
}
export type Fields = Readonly<Record<string, Field>>;
export interface Layout<F extends Fields> {
  readonly name: string;
  /** sizeof() of the packed structure. */
  readonly size: number;
  readonly fields: F;
}
type ValueOf<T extends Field> = T['type'] extends 'u64' ? bigint : number;
export type Decoded<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };

const WIDTH: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

export function defineLayout<const F extends Fields>(name: string, size: number, fields: F): Layout<F> {
  for (const [field, f] of Object.entries(fields)) {
    if (f.offset + WIDTH[f.type] > size) throw new Error(`${name}.${field} lies outside its ${size}-byte struct`);
  }
  return { name, size, fields };
}

export const u8 = (offset: number) => ({ offset, type: 'u8' }) as const;
export const u16 = (offset: number) => ({ offset, type: 'u16' }) as const;
export const u32 = (offset: number) => ({ offset, type: 'u32' }) as const;
export const u64 = (offset: number) => ({ offset, type: 'u64' }) as const;

function readField(buf: Buffer, base: number, f: Field): number | bigint {
  const at = base + f.offset;
  switch (f.type) {
    case 'u8':
      return buf.readUInt8(at);
    case 'u16':
      return buf.readUInt16LE(at);
    case 'u32':
      return buf.readUInt32LE(at);
    case 'u64':
      return buf.readBigUInt64LE(at);
  }
}

function writeField(buf: Buffer, base: number, f: Field, value: number | bigint): void {
  const at = base + f.offset;
  switch (f.type) {
    case 'u8':
      buf.writeUInt8(Number(value) & 0xff, at);
      return;
    case 'u16':
      buf.writeUInt16LE(Number(value) & 0xffff, at);
      return;
    case 'u32':
      buf.writeUInt32LE(Number(BigInt(value) & 0xffff_ffffn), at);
      return;
    case 'u64':
      buf.writeBigUInt64LE(BigInt(value) & 0xffff_ffff_ffff_ffffn, at);
      return;
  }
}

/** Whether `buf` (from `base`) is long enough to hold the whole structure. */
export function fits<F extends Fields>(layout: Layout<F>, buf: Buffer, base = 0): boolean {
  return buf.length - base >= layout.size;
}

export function decode<F extends Fields>(layout: Layout<F>, buf: Buffer, base = 0): Decoded<F> {
  if (!fits(layout, buf, base)) throw new RangeError(`${layout.name}: ${buf.length - base} bytes, need ${layout.size}`);
  const out: Record<string, number | bigint> = {};
  for (const [name, f] of Object.entries(layout.fields)) out[name] = readField(buf, base, f);
  return out as Decoded<F>;
}

export function encode<F extends Fields>(layout: Layout<F>, buf: Buffer, values: Partial<Decoded<F>>, base = 0): void {
  if (!fits(layout, buf, base)) throw new RangeError(`${layout.name}: ${buf.length - base} bytes, need ${layout.size}`);
  for (const [name, value] of Object.entries(values)) {
    const f = layout.fields[name];
    if (f && value !== undefined) writeField(buf, base, f, value as number | bigint);
  }
}

/** A zeroed buffer holding one structure, with the given fields set. */
export function build<F extends Fields>(layout: Layout<F>, values: Partial<Decoded<F>> = {}): Buffer {
  const buf = Buffer.alloc(layout.size);
  encode(layout, buf, values);
  return buf;
}
