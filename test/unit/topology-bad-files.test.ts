// Bad topology files, generated (issue 5, "Bad input"): each built-in
// topology mutated one way at a time — a value of the wrong type, an
// unknown key, a required field removed, a duplicate DIMM handle or YAML
// key, broken YAML syntax, a huge number — plus binary garbage and an
// empty file. Every one must be refused with exactly one line,
// FILE:LINE:COL: FIELD: MESSAGE (FIELD "invalid YAML" for syntax), naming
// the field the mutation touched and the line it is on; through the CLI
// (`ndsim mount --topology BAD MNT`) the same line, exit status 1, and no
// mount. test/unit/topology.test.ts keeps the hand-written cases.
// fast-check runs with a fixed seed (SEED); a failure prints the
// counterexample and the seed/path to replay it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { loadTopology, parseTopology, TOPOLOGY_DIR, TopologyError } from '../../src/topology/load.js';
import { REPO_ROOT } from '../support/tree-capture.js';

const TOPOLOGIES = ['nfit_test', 'qemu-nfit', 'fwa-live', 'fwa-none'] as const;
const SEED = Number(process.env.BAD_TOPOLOGY_SEED ?? 0x7090_0005);
const NUM_RUNS = 300;
const FILE = 'bad.yaml';

type Key = string | number;

/** A node a mutation may touch: not an anchor, an alias or a merge, nor inside one (its error would surface elsewhere). */
interface Site {
  path: Key[];
  node: YamlNode;
}

function sites(node: unknown, path: Key[] = [], out: Site[] = []): Site[] {
  if (!node || isAlias(node)) return out;
  const n = node as YamlNode;
  if (n.anchor) return out;
  out.push({ path, node: n });
  if (isMap(n)) {
    if (n.items.some((p) => isMergeKey(p.key))) return out;
    for (const p of n.items) if (isScalar(p.key)) sites(p.value, [...path, String(p.key.value)], out);
  } else if (isSeq(n)) {
    n.items.forEach((item, i) => sites(item, [...path, i], out));
  }
  return out;
}

/** With merge on, yaml gives a merge key the value Symbol(<<); its source is "<<". */
const isMergeKey = (k: unknown): boolean => isScalar(k) && (k.source === '<<' || k.value === '<<');

const builtinText = (name: string): string => readFileSync(join(TOPOLOGY_DIR, `${name}.yaml`), 'utf8');

/** The refusal as one line; fails the test when the file was accepted or something else was thrown. */
function refusal(text: string): string {
  try {
    parseTopology(text, FILE);
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    return e.message;
  }
  throw new Error(`accepted:\n${text}`);
}

/** A dotted field path, "(top level)", or "invalid YAML" for a file YAML itself refuses. */
const FIELD = String.raw`invalid YAML|\(top level\)|[\w$-]+(?:\.[\w$-]+)*`;
/** FILE:LINE:COL: FIELD: MESSAGE, one line. */
const LINE_SHAPE = new RegExp(String.raw`^bad\.yaml:(\d+):(\d+): (${FIELD}): (.+)$`);

function parts(msg: string): { line: number; field: string } {
  expect(msg).not.toContain('\n');
  const m = LINE_SHAPE.exec(msg);
  expect(m, msg).not.toBeNull();
  return { line: Number(m?.[1]), field: m?.[3] ?? '' };
}

/** The line of the node at `path` in `text`, or of its deepest existing ancestor. */
function lineOf(text: string, path: readonly Key[]): number {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true });
  for (let p = [...path]; ; p = p.slice(0, -1)) {
    const node: unknown = p.length ? doc.getIn(p, true) : doc.contents;
    if (node && (node as YamlNode).range) return lc.linePos((node as YamlNode).range![0]).line;
    if (p.length === 0) return 1;
  }
}

/** The line of key `key` in the mapping at `path`. */
function keyLineOf(text: string, path: readonly Key[], key: string): number {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true });
  const map: unknown = path.length ? doc.getIn(path, true) : doc.contents;
  const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const k = pair && isPair(pair) && isScalar(pair.key) ? pair.key : undefined;
  return k?.range ? lc.linePos(k.range[0]).line : lineOf(text, path);
}

interface Mutated {
  kind: string;
  text: string;
  /** The field the error must name, and the line it must give; undefined: any field, any line of the file. */
  field?: string;
  line?: number;
}

function mutate(name: string, kind: string, pick: number, variant: number): Mutated | null {
  const doc: Document = parseDocument(builtinText(name), { merge: true });
  const all = sites(doc.contents);
  const choose = <T>(xs: readonly T[]): T | undefined => xs[pick % Math.max(1, xs.length)];
  const field = (path: readonly Key[]) => path.map(String).join('.');
  switch (kind) {
    case 'wrong-type': {
      const s = choose(all.filter((x) => isScalar(x.node) && x.path.length > 0));
      if (!s || !isScalar(s.node)) return null;
      const v = s.node.value;
      // Something no field of that kind accepts: a string for a number or boolean, a mapping for a string.
      const replacement = typeof v === 'string' ? doc.createNode({ oops: 1 }) : typeof v === 'number' ? ['oops', 'twelve', '-'][variant % 3] : 'maybe';
      doc.setIn(s.path, replacement);
      const text = doc.toString();
      return { kind, text, field: field(s.path), line: lineOf(text, s.path) };
    }
    case 'unknown-key': {
      const s = choose(all.filter((x) => isMap(x.node)));
      if (!s || !isMap(s.node)) return null;
      const key = ['colour', 'handel', 'Description', 'x_y'][variant % 4] ?? 'colour';
      s.node.set(key, 1);
      const text = doc.toString();
      return { kind, text, field: field([...s.path, key]), line: keyLineOf(text, s.path, key) };
    }
    case 'missing-field': {
      const s = choose(all.filter((x) => isMap(x.node) && x.node.items.length > 0));
      if (!s || !isMap(s.node)) return null;
      const pair = s.node.items[variant % s.node.items.length];
      if (!pair || !isScalar(pair.key)) return null;
      const key = String(pair.key.value);
      s.node.delete(key);
      const text = doc.toString();
      // Optional fields may go; a required one is named, at the mapping that lacks it.
      try {
        parseTopology(text, FILE);
        return null;
      } catch {
        return { kind, text, field: field([...s.path, key]), line: lineOf(text, s.path) };
      }
    }
    case 'duplicate-handle': {
      const buses = doc.get('buses', true);
      if (!isSeq(buses)) return null;
      const bi = pick % buses.items.length;
      const dimms = doc.getIn(['buses', bi, 'dimms'], true);
      if (!isSeq(dimms) || dimms.items.length < 2) return null;
      const di = 1 + (variant % (dimms.items.length - 1));
      const first = doc.getIn(['buses', bi, 'dimms', 0, 'handle']);
      if (doc.getIn(['buses', bi, 'dimms', di], true) === undefined || isAlias(dimms.items[di])) return null;
      const target = dimms.items[di];
      // Its own handle key (set even where the rest comes from a merge) takes the first DIMM's value.
      if (!isMap(target)) return null;
      target.set('handle', first);
      const text = doc.toString();
      const path = ['buses', bi, 'dimms', di, 'handle'];
      return { kind, text, field: field(path), line: lineOf(text, path) };
    }
    case 'duplicate-key': {
      const s = choose(all.filter((x) => isMap(x.node) && x.node.items.length > 0 && x.node.flow !== true));
      if (!s || !isMap(s.node)) return null;
      const pair = s.node.items[variant % s.node.items.length];
      if (!pair || !isScalar(pair.key)) return null;
      s.node.items.push(doc.createPair(pair.key.value, 1));
      return { kind, text: doc.toString(), field: 'invalid' };
    }
    case 'huge-number': {
      const s = choose(all.filter((x) => isScalar(x.node) && typeof x.node.value === 'number'));
      if (!s || !isScalar(s.node)) return null;
      const huge = ['123456789012345678901234567890', '1e400', '-99999999999999999999', '18446744073709551616', '0x10000000000000000'][variant % 5] ?? '1e400';
      // Rewrite the number in place in the text, so that YAML itself reads the literal.
      const text = doc.toString();
      const lc = new LineCounter();
      const re = parseDocument(text, { lineCounter: lc, merge: true });
      const node = re.getIn(s.path, true);
      if (!isScalar(node) || !node.range) return null;
      const out = text.slice(0, node.range[0]) + huge + text.slice(node.range[1]);
      return { kind, text: out, field: field(s.path), line: lc.linePos(node.range[0]).line };
    }
    case 'bad-syntax': {
      const lines = builtinText(name).split('\n');
      const at = pick % (lines.length + 1);
      const junk = ['  - [', '}{', 'key: "unterminated', '\t- tab', '? [a, b', ': :', '*', '&'][variant % 8] ?? '}{';
      lines.splice(at, 0, junk);
      return { kind, text: lines.join('\n') };
    }
    default:
      return null;
  }
}

const KINDS = ['wrong-type', 'unknown-key', 'missing-field', 'duplicate-handle', 'duplicate-key', 'huge-number', 'bad-syntax'] as const;

describe('bad topology files: one line naming file, line and field', () => {
  it('every built-in loads (the corpus starts from valid files)', () => {
    for (const t of TOPOLOGIES) expect(() => parseTopology(builtinText(t), `${t}.yaml`)).not.toThrow();
  });

  it('generated mutations of every built-in', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.constantFrom(...TOPOLOGIES), fc.constantFrom(...KINDS), fc.nat(), fc.nat(), (name, kind, pick, variant) => {
        const m = mutate(name, kind, pick, variant);
        if (!m) return;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        const msg = refusal(m.text);
        const got = parts(msg);
        const lines = m.text.split('\n').length;
        expect(got.line, msg).toBeGreaterThanOrEqual(1);
        expect(got.line, msg).toBeLessThanOrEqual(lines + 1);
        if (m.field === 'invalid' || m.kind === 'bad-syntax') {
          // A syntax problem has no field; it is named as such (or, when the junk still parses, as the field it broke).
          if (m.kind !== 'bad-syntax') expect(msg).toMatch(/: invalid YAML: /);
          return;
        }
        // Whatever field is named, the line is where that field (or the mapping lacking it) is.
        const named = got.field === '(top level)' ? [] : got.field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
        expect(got.line, msg).toBe(lineOf(m.text, named));
        // Removing a field that has a default can break a cross-reference instead (a mapping onto the DIMMs removed).
        if (m.kind === 'missing-field' && /: no registered DIMM with handle /.test(msg)) return;
        if (m.field !== undefined) expect(got.field, msg).toBe(m.field);
        if (m.line !== undefined) expect(got.line, msg).toBe(m.line);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    // Every kind of mutation was exercised.
    expect([...seen.keys()].sort(), JSON.stringify([...seen])).toEqual([...KINDS].sort());
  });

  it('binary garbage: one line, at a position', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), (bytes) => {
        const msg = refusal(Buffer.from(bytes).toString('latin1'));
        parts(msg);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('an empty file, a comment-only file, a bare scalar, a list', () => {
    for (const text of ['', '# nothing\n', '42\n', '- a\n- b\n', '\n\n\n']) {
      const got = parts(refusal(text));
      expect(got.field).toBe('(top level)');
    }
  });

  it('a merge key that merges no mapping: one line at that key', () => {
    expect(refusal('description: x\nbuses: []\n<<: 1\n')).toBe('bad.yaml:3:1: invalid YAML: Merge sources must be maps or map aliases');
  });

  it('a nested-alias bomb is refused at once, not expanded', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const msg = refusal([...lines, 'description: bomb', 'buses: [*a9]'].join('\n'));
    expect(msg).toMatch(/^bad\.yaml:2:\d+: invalid YAML: Excessive alias count/);
  });

  it('a 64-bit field takes a quoted value up to 2^64 - 1, and no rounded YAML number', () => {
    const text = builtinText('qemu-nfit');
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, merge: true });
    const node = doc.getIn(['buses', 0, 'regions', 0, 'spa'], true);
    if (!isScalar(node) || !node.range) throw new Error('qemu-nfit has no region spa');
    const withSpa = (v: string) => text.slice(0, node.range![0]) + v + text.slice(node.range![1]);
    expect(parseTopology(withSpa('"0xffffffffffffffff"'), FILE).buses[0]?.regions[0]?.spa).toBe(0xffff_ffff_ffff_ffffn);
    expect(refusal(withSpa('"0x10000000000000000"'))).toMatch(/^bad\.yaml:\d+:\d+: buses\.0\.regions\.0\.spa: does not fit in 64 bits$/);
    expect(refusal(withSpa('18446744073709551615'))).toMatch(/^bad\.yaml:\d+:\d+: buses\.0\.regions\.0\.spa: past 2\^53/);
  });
});

/** `ndsim mount --topology FILE MNT`, bounded in time; its exit status and output. */
function ndsimMount(topology: string, mnt: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/ndsim.js'), 'mount', '--topology', topology, mnt], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function mounted(mnt: string): Promise<boolean> {
  return (await readFile('/proc/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === mnt);
}

describe.concurrent('a bad topology through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ndsim-badtopo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, () => string]> = [
    ['wrong type', () => mutate('nfit_test', 'wrong-type', 3, 0)?.text ?? ''],
    ['unknown key', () => mutate('qemu-nfit', 'unknown-key', 5, 0)?.text ?? ''],
    ['duplicate handle', () => mutate('fwa-none', 'duplicate-handle', 0, 0)?.text ?? ''],
    ['bad syntax', () => mutate('fwa-live', 'bad-syntax', 10, 1)?.text ?? ''],
    ['huge number', () => mutate('nfit_test', 'huge-number', 2, 0)?.text ?? ''],
    ['binary garbage', () => '\x00\xff\xfe{{[[\x01'],
    ['empty file', () => ''],
  ];

  for (const [label, text] of cases) {
    it(`${label}: exit 1, the loader's line on stderr, never mounted`, async () => {
      const file = join(dir, `${label.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, text(), 'latin1');
      let expected = '';
      try {
        loadTopology(file);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected.startsWith(`${file}:`), expected).toBe(true);
      expect(expected.slice(file.length), expected).toMatch(new RegExp(String.raw`^:\d+:\d+: (${FIELD}): \S`));
      const mnt = join(dir, 'mnt');
      const r = await ndsimMount(file, mnt);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`ndsim: ${expected}\n`);
      expect(await mounted(mnt)).toBe(false);
    });
  }
});
