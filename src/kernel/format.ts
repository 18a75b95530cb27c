// Helpers that reproduce the kernel's vsprintf output for the formats the
// libnvdimm show() routines use. The kernel's "%#x" always emits "0x" in
// base 16, so zero prints "0x0" (lib/vsprintf.c, number() with SPECIAL),
// where glibc would print "0".

/** "%#x" / "%#lx" / "%#llx" */
export function hexAlt(value: number | bigint): string {
  return `0x${BigInt(value).toString(16)}`;
}

/** "0x%0Nx": fixed width, lowercase, as nfit's "0x%04x" and "0x%08x". */
export function hexPadded(value: number | bigint, width: number): string {
  return `0x${BigInt(value).toString(16).padStart(width, '0')}`;
}

/** "%0Nx" without prefix, used inside composite ids such as nfit/id. */
export function hexDigits(value: number | bigint, width: number): string {
  return BigInt(value).toString(16).padStart(width, '0');
}

/**
 * Token lists (commands, flags, supported alignments): each token followed
 * by one space, then "\n". ndctl's parsers only accept space-terminated
 * tokens, so the trailing space is load bearing.
 */
export function tokenList(tokens: readonly string[]): string {
  return tokens.map((t) => `${t} `).join('') + '\n';
}

/** Names of the set bits of a mask, looked up in a bit→name table. */
export function bitNames(mask: number | bigint, names: Readonly<Record<number, string>>): string[] {
  const m = BigInt(mask);
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((m >> BigInt(bit)) & 1n) out.push(names[bit] ?? 'unknown');
  }
  return out;
}

export function line(value: string | number | bigint): string {
  return `${value}\n`;
}
