// The expectations of a scenario: a deep partial match of JSON values (a
// command's JSON output, `ndsim report`), and the checks on a command's
// text output. Each returns what did not match, never throws: a scenario
// reports every mismatch of a step, not just the first exception.

/** One expectation that did not hold. */
export interface Mismatch {
  /** Where: stdout, stderr, exit, report, followed by a JSON path when there is one. */
  readonly where: string;
  readonly message: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

const child = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/**
 * Operators: an object whose only key is one of these matches an array by
 * a rule rather than element by element.
 */
const OPERATORS: Readonly<Record<string, (pattern: unknown, actual: unknown, path: string) => Mismatch | null>> = {
  some: (pattern, actual, path) => {
    if (!Array.isArray(actual)) return { where: path, message: `expected an array with some element matching ${show(pattern)}, got ${show(actual)}`, expected: { some: pattern }, actual };
    const misses: Mismatch[] = [];
    for (const [i, el] of actual.entries()) {
      const m = matchPartial(pattern, el, child(path, i));
      if (m === null) return null;
      misses.push(m);
    }
    // The element that matched furthest down says best what was wrong.
    const nearest = misses.reduce<Mismatch | undefined>((best, m) => (best === undefined || m.where.length > best.where.length ? m : best), undefined);
    const hint = nearest ? `; nearest: ${nearest.where}: ${nearest.message}` : '';
    return { where: path, message: `none of the ${actual.length} element(s) matches ${show(pattern)}${hint}`, expected: { some: pattern }, actual };
  },
};

function operatorOf(pattern: Record<string, unknown>): string | undefined {
  const names = Object.keys(pattern);
  return names.length === 1 && names[0] !== undefined && names[0] in OPERATORS ? names[0] : undefined;
}

/**
 * Whether `actual` has everything `pattern` gives: objects key by key (extra
 * keys in `actual` are fine), arrays element by element for the elements
 * the pattern lists, `{ some: P }` any element matching P, anything else
 * equal. The first mismatch, or null.
 */
export function matchPartial(pattern: unknown, actual: unknown, path = '$'): Mismatch | null {
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return { where: path, message: `expected an array, got ${show(actual)}`, expected: pattern, actual };
    if (actual.length < pattern.length) return { where: path, message: `expected at least ${pattern.length} element(s), got ${actual.length}`, expected: pattern, actual };
    for (const [i, p] of pattern.entries()) {
      const m = matchPartial(p, actual[i], child(path, i));
      if (m) return m;
    }
    return null;
  }
  if (isRecord(pattern)) {
    const op = operatorOf(pattern);
    if (op !== undefined) return OPERATORS[op]!(pattern[op], actual, path);
    if (!isRecord(actual)) return { where: path, message: `expected an object, got ${show(actual)}`, expected: pattern, actual };
    for (const [k, p] of Object.entries(pattern)) {
      if (!(k in actual)) return { where: child(path, k), message: `missing (expected ${show(p)})`, expected: p };
      const m = matchPartial(p, actual[k], child(path, k));
      if (m) return m;
    }
    return null;
  }
  if (pattern === actual) return null;
  return { where: path, message: `expected ${show(pattern)}, got ${show(actual)}`, expected: pattern, actual };
}

/** What a scenario can require of a command's stdout or stderr. */
export interface TextExpectation {
  /** Equal, ignoring trailing newlines on both sides (as $(...) in the shell). */
  equals?: string;
  /** Every one of these is a substring. */
  contains?: string | string[];
  /** A regular expression (JavaScript syntax, multi-line: ^ and $ match at line ends) found in it. */
  matches?: string;
  /** Parsed as JSON, a deep partial match (see matchPartial). */
  json?: unknown;
  /** true: nothing at all was written; false: something was. */
  empty?: boolean;
}

const chomp = (s: string) => s.replace(/\n+$/, '');

type K = keyof TextExpectation;

/** One check per key of a text expectation, applied in this order. */
const TEXT_CHECKS: { readonly [Key in K]: (expected: NonNullable<TextExpectation[Key]>, text: string, where: string) => Mismatch | null } = {
  empty: (empty, text, where) =>
    (text === '') === empty ? null : { where, message: empty ? 'expected no output' : 'expected some output, got none', expected: empty ? '' : '(anything)', actual: text },
  equals: (equals, text, where) => {
    if (chomp(text) === chomp(equals)) return null;
    // The first line that differs says more than two whole outputs.
    const want = chomp(equals).split('\n');
    const got = chomp(text).split('\n');
    const i = want.findIndex((l, n) => l !== got[n]);
    const at = i < 0 ? want.length : i;
    const line = (l: string | undefined) => (l === undefined ? 'the end' : JSON.stringify(l));
    return { where, message: `line ${at + 1}: expected ${line(want[at])}, got ${line(got[at])}`, expected: equals, actual: text };
  },
  contains: (contains, text, where) => {
    const missing = (Array.isArray(contains) ? contains : [contains]).find((s) => !text.includes(s));
    return missing === undefined ? null : { where, message: `does not contain ${JSON.stringify(missing)}`, expected: missing, actual: text };
  },
  matches: (source, text, where) => (new RegExp(source, 'm').test(text) ? null : { where, message: `does not match /${source}/m`, expected: source, actual: text }),
  json: (pattern, text, where) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { where, message: `is not JSON: ${e instanceof Error ? e.message : String(e)}`, expected: pattern, actual: text };
    }
    return matchPartial(pattern, value, where);
  },
};

export function checkText(expectation: TextExpectation, text: string, where: string): Mismatch[] {
  const out: Mismatch[] = [];
  for (const key of Object.keys(TEXT_CHECKS) as K[]) {
    const expected = expectation[key];
    if (expected === undefined) continue;
    // Each check takes its own key's type; the table guarantees the pairing.
    const check = TEXT_CHECKS[key] as (expected: unknown, text: string, where: string) => Mismatch | null;
    const m = check(expected, text, where);
    if (m) out.push(m);
  }
  return out;
}
