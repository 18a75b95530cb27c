// A YAML file parsed with its positions kept, so that a zod issue can be
// reported as FILE:LINE:COL: FIELD: MESSAGE: topology files and scenario
// files are refused the same way.
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';

export class YamlSourceError extends Error {}

/**
 * How much alias expansion converting a document may do (yaml's measure:
 * uses of an anchor times the aliases inside it): room for a generated
 * 1024-DIMM file built from one anchor, none for a "billion laughs" file
 * whose nested aliases would make validation run for ever.
 */
const MAX_ALIAS_COUNT = 100_000;

/**
 * Where a conversion error of yaml's belongs, as it gives none: the first
 * merge key whose value is not a mapping (or an alias of one) for a merge
 * error, the first alias for an alias error.
 */
function conversionErrorOffset(doc: Document, e: Error): number | undefined {
  let offset: number | undefined;
  const merge = /merge/i.test(e.message);
  visit(doc, {
    Pair(_key, pair) {
      // With merge on, yaml gives a merge key the value Symbol(<<); its source is "<<".
      if (!merge || !isScalar(pair.key) || pair.key.source !== '<<' || isMap(pair.value) || isAlias(pair.value)) return undefined;
      if (isSeq(pair.value) && pair.value.items.every((i) => isMap(i) || isAlias(i))) return undefined;
      offset = pair.key.range?.[0];
      return visit.BREAK;
    },
    Alias(_key, node) {
      if (merge) return undefined;
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

export interface YamlSource {
  readonly file: string;
  /** The document as plain data, for zod. */
  readonly data: unknown;
  /** FILE:LINE:COL of the deepest node that exists on `path` (FILE:1:1 when none does). */
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
    // No node at all (an empty document): the problem is at its start.
    if (offset === undefined) return `${file}:1:1`;
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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws (without a position) for alias abuse, unresolvable aliases and bad merge keys.
    if (e instanceof Error) throw new YamlSourceError(`${at(conversionErrorOffset(doc, e))}: invalid YAML: ${e.message.split('\n')[0]}`);
    throw e;
  }
  return {
    file,
    data,
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
