// Reading a topology file: YAML → zod, with errors that name file, line and field.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { topologySchema, type Topology } from './schema.js';

export class TopologyError extends Error {}

/** The built-in topologies ship in <package>/topologies. */
export const TOPOLOGY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../topologies');
export const DEFAULT_TOPOLOGY = 'nfit_test';

export function parseTopology(text: string, file: string): Topology {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return `${file}`;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new TopologyError(`${where(e.pos[0])}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const result = topologySchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // zod reports an unknown key on its parent object; name (and point at) the key itself.
  const issuePath = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
  // Point at the deepest node that exists on the issue's path.
  let path = issuePath.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let node: unknown = undefined;
  while (path.length > 0) {
    node = doc.getIn(path, true);
    if (isNode(node)) break;
    path = path.slice(0, -1);
  }
  const offset = isNode(node) && node.range ? node.range[0] : undefined;
  const field = issuePath.length > 0 ? issuePath.map(String).join('.') : '(top level)';
  throw new TopologyError(`${where(offset)}: ${field}: ${issue.message}`);
}

/** NAME of a built-in topology, or a path to a YAML file. */
export function resolveTopologyFile(nameOrFile: string): string {
  const builtin = join(TOPOLOGY_DIR, `${nameOrFile}.yaml`);
  if (!nameOrFile.includes('/') && !nameOrFile.endsWith('.yaml') && existsSync(builtin)) return builtin;
  if (existsSync(nameOrFile)) return resolve(nameOrFile);
  throw new TopologyError(`unknown topology '${nameOrFile}': not a built-in (${listBuiltinTopologies().map((t) => t.name).join(', ')}) and no such file`);
}

export function loadTopology(nameOrFile: string): Topology {
  const file = resolveTopologyFile(nameOrFile);
  return parseTopology(readFileSync(file, 'utf8'), file);
}

export interface TopologyListing {
  name: string;
  description: string;
}

export function listBuiltinTopologies(): TopologyListing[] {
  return readdirSync(TOPOLOGY_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(TOPOLOGY_DIR, f);
      return { name: basename(f, '.yaml'), description: parseTopology(readFileSync(file, 'utf8'), file).description };
    });
}
