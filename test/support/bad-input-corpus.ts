// The generated corpus of bad (and bad-looking) writes for one attribute,
// built from the attribute's valid words (bad-input-oracle.ts): empty,
// huge (around and past PAGE_SIZE), binary, valid words with junk before
// or after, a NUL in the middle, and a valid word split over two write()
// calls. The oracle decides what each one should do; nothing here assumes
// a value is bad.
import fc from 'fast-check';

/** One write(2) sequence on one open file. */
export interface WritePlan {
  label: string;
  chunks: Buffer[];
}

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

const junk: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(' ', '\n', '\t', '\0', '\n\n', ' \n', 'x', '0', '1', '-', '+', '0x', '\xff', '\xa0', 'namespace', '=', ','),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => Buffer.from(a).toString('latin1')),
);

/** A length around PAGE_SIZE, or well past it. */
const hugeLength = fc.oneof(fc.integer({ min: 4090, max: 4100 }), fc.constantFrom(5000, 8192, 65536));
const filler = fc.constantFrom('x', ' ', '\0', '\n', '0', '\xff');

function pad(word: string, length: number, fill: string, before: boolean): string {
  const rest = fill.repeat(Math.max(0, length - word.length));
  return before ? rest + word : word + rest;
}

export function writePlans(words: readonly string[]): fc.Arbitrary<WritePlan> {
  const word = fc.constantFrom(...words);
  const one = (label: string, s: string): WritePlan => ({ label, chunks: [bytes(s)] });
  return fc.oneof(
    fc.constant(one('empty', '')),
    word.map((w) => one('word', w)),
    word.map((w) => one('word+newline', `${w}\n`)),
    fc.tuple(word, junk).map(([w, j]) => one('word+junk', w + j)),
    fc.tuple(junk, word).map(([j, w]) => one('junk+word', j + w)),
    fc.tuple(word, fc.nat(), junk).map(([w, k, j]) => {
      const at = w.length === 0 ? 0 : k % w.length;
      return one('nul-in-middle', `${w.slice(0, at)}\0${w.slice(at)}${j}`);
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => ({ label: 'binary', chunks: [Buffer.from(a)] })),
    fc.tuple(word, hugeLength, filler, fc.boolean()).map(([w, n, f, before]) => one(`huge(${n})`, pad(w, n, f, before))),
    fc.tuple(word, fc.nat()).map(([w, k]) => {
      const s = `${w}\n`;
      const at = 1 + (k % Math.max(1, s.length - 1));
      return { label: 'split', chunks: [bytes(s.slice(0, at)), bytes(s.slice(at))] };
    }),
  );
}

/** The fixed corpus every attribute gets, whatever fast-check draws. */
export function fixedPlans(words: readonly string[]): WritePlan[] {
  const w = words[0] ?? '';
  const half = Math.max(1, Math.floor(w.length / 2));
  return [
    { label: 'empty', chunks: [Buffer.alloc(0)] },
    // Either side of driver_set_override()'s PAGE_SIZE - 1 and of kernfs's one-page cut.
    ...[4094, 4095, 4096, 4097].map((n) => ({ label: `huge(${n})`, chunks: [bytes(pad(w, n, n % 2 ? 'x' : ' ', false))] })),
    { label: 'huge(8192, word last)', chunks: [bytes(pad(w, 8192, ' ', true))] },
    { label: 'nul-in-middle', chunks: [bytes(`${w.slice(0, half)}\0${w.slice(half)}`)] },
    { label: 'binary', chunks: [Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a])] },
    { label: 'junk+word', chunks: [bytes(`#${w}`)] },
    { label: 'word+junk', chunks: [bytes(`${w}#`)] },
    { label: 'split', chunks: [bytes(w.slice(0, half)), bytes(`${w.slice(half)}\n`)] },
  ];
}

/** Bytes as a short printable description for failure messages. */
export function describe(b: Buffer): string {
  const s = JSON.stringify(b.subarray(0, 48).toString('latin1'));
  return b.length > 48 ? `${s}... (${b.length} bytes)` : s;
}
