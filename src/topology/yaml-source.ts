// A YAML file parsed with its positions kept, so that a zod issue can be
// reported as FILE:LINE:COL: FIELD: MESSAGE: topology files and scenario
// files are refused the same way.
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

export class YamlSourceError extends Error {}

export interface YamlSource {
  readonly file: string;
  /** The document as plain data, for zod. */
  readonly data: unknown;
  /** FILE:LINE:COL of the deepest node that exists on `path` (FILE alone when none does). */
  where(path: readonly PropertyKey[]): string;
  /** FILE:LINE:COL of the key `key` of the mapping at `path` (of the mapping itself when not found). */
  whereKey(path: readonly PropertyKey[], key: string): string;
  /** The line of the node at `path`, when there is one. */
  line(path: readonly PropertyKey[]): number | undefined;
}

type Key = string | number;

function keys(path: readonly PropertyKey[]): Key[] {
  return path.map((p) => (typeof p === 'symbol' ? String(p) : p));
}

/** Parse `text` (named `file` in messages); invalid YAML is refused with its position. */
export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) throw new YamlSourceError(`${at(first.pos[0])}: invalid YAML: ${first.message.split('\n')[0]}`);
  const offsetOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let p = keys(path); ; p = p.slice(0, -1)) {
      const node: unknown = p.length > 0 ? doc.getIn(p, true) : doc.contents;
      if (isNode(node) && node.range) return node.range[0];
      if (p.length === 0) return undefined;
    }
  };
  return {
    file,
    data: doc.toJS({ maxAliasCount: -1 }),
    where: (path) => at(offsetOf(path)),
    whereKey: (path, key) => {
      const map: unknown = path.length > 0 ? doc.getIn(keys(path), true) : doc.contents;
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
      return isScalar(pair?.key) && pair.key.range ? at(pair.key.range[0]) : at(offsetOf(path));
    },
    line: (path) => {
      const node: unknown = doc.getIn(keys(path), true);
      return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
  };
}

/** The first issue as one line: FILE:LINE:COL: FIELD: MESSAGE. */
export function describeIssue(source: YamlSource, issue: z.core.$ZodIssue): string {
  // zod reports an unknown key on its parent object; name (and point at) the key itself.
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = unknown !== undefined ? [...issue.path, unknown] : issue.path;
  const field = path.length > 0 ? path.map(String).join('.') : '(top level)';
  const where = unknown !== undefined ? source.whereKey(issue.path, unknown) : source.where(path);
  return `${where}: ${field}: ${issue.message}`;
}
