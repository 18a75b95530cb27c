// Reading a topology file: YAML → zod, with errors that name file, line and field.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topologySchema, type Topology } from './schema.js';
import { describeIssue, readYaml, YamlSourceError, type YamlSource } from './yaml-source.js';

export class TopologyError extends Error {}

/** The built-in topologies ship in <package>/topologies. */
export const TOPOLOGY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../topologies');
export const DEFAULT_TOPOLOGY = 'nfit_test';

export function parseTopology(text: string, file: string): Topology {
  let source: YamlSource;
  try {
    source = readYaml(text, file);
  } catch (e) {
    throw e instanceof YamlSourceError ? new TopologyError(e.message) : e;
  }
  const result = topologySchema.safeParse(source.data);
  if (result.success) return result.data;
  throw new TopologyError(describeIssue(source, result.error.issues[0]!));
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
