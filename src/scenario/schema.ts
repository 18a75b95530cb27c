// The scenario file format: a timeline of commands, injections and
// expectations against one fresh simulation (docs/scenarios.md). A bad file
// is refused with one line naming file, line and field.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { faultSchema } from '../control/protocol.js';
import type { Report } from '../control/report.js';
import { DEFAULT_TOPOLOGY, loadTopology, TOPOLOGY_DIR } from '../topology/load.js';
import { describeIssue, readYaml, YamlSourceError } from '../topology/yaml-source.js';

export class ScenarioError extends Error {}

/** A run step's command gets this long unless the step or the scenario says otherwise. */
export const DEFAULT_TIMEOUT_S = 60;

const compiles = (source: string) => {
  try {
    new RegExp(source, 'm');
    return true;
  } catch {
    return false;
  }
};

const TEXT_KEYS = 'equals, contains, matches, json, empty';

/** stdout/stderr: a string is the exact text; an object lists checks that must all hold. */
const textExpectation = z.preprocess(
  (v) => (typeof v === 'string' ? { equals: v } : v),
  z
    .strictObject(
      {
        equals: z.string().optional(),
        contains: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
        matches: z.string().refine(compiles, 'not a valid regular expression').optional(),
        json: z.unknown().optional(),
        empty: z.boolean().optional(),
      },
      { error: (iss) => (iss.code === 'invalid_type' ? `expected the exact text, or an object with ${TEXT_KEYS}` : undefined) },
    )
    .refine((o) => Object.values(o).some((v) => v !== undefined), `give at least one of ${TEXT_KEYS}`),
);

const runExpectation = z.strictObject({
  exit: z.number().int().min(0).max(255).default(0),
  stdout: textExpectation.optional(),
  stderr: textExpectation.optional(),
});
export type RunExpectation = z.output<typeof runExpectation>;

/** The report's top-level sections; typed so that a section added to Report must be added here. */
const REPORT_SECTIONS: Readonly<Record<keyof Report, true>> = { clock: true, buses: true, dimms: true, machine: true };
const reportExpectation = z.strictObject(Object.fromEntries(Object.keys(REPORT_SECTIONS).map((k) => [k, z.unknown().optional()])));
export type ReportExpectation = Partial<Record<keyof Report, unknown>>;

const seconds = z.number().positive().finite();
const device = z.string().regex(/^(nmem|ndbus)\d+$|^all$/, 'expected all, or a device like nmem0 or ndbus0');

/** What a step does: exactly one of these keys. */
const ACTIONS = ['run', 'inject', 'clear', 'advance', 'report'] as const;
/** Keys that only a run step may have. */
const RUN_ONLY = ['expect', 'timeout'] as const;

const stepFields = z.strictObject({
  name: z.string().min(1).optional(),
  // `run: true` is the command true, not a YAML boolean.
  run: z.preprocess((v) => (typeof v === 'boolean' || typeof v === 'number' ? String(v) : v), z.string().min(1)).optional(),
  expect: runExpectation.optional(),
  /** Seconds before the command is killed. */
  timeout: seconds.optional(),
  inject: faultSchema.optional(),
  clear: device.optional(),
  advance: z.number().nonnegative().finite().optional(),
  report: reportExpectation.optional(),
});
type StepFields = z.output<typeof stepFields>;

export type Step = { readonly name?: string; /** Where the step starts in its file. */ line?: number } & (
  | { readonly action: 'run'; readonly run: string; readonly expect: RunExpectation; readonly timeout?: number }
  | { readonly action: 'inject'; readonly inject: z.output<typeof faultSchema> }
  | { readonly action: 'clear'; readonly clear: string }
  | { readonly action: 'advance'; readonly advance: number }
  | { readonly action: 'report'; readonly report: ReportExpectation }
);

/** The fields of each action, once the step is known to have exactly that one. */
const TO_STEP: { readonly [A in (typeof ACTIONS)[number]]: (f: StepFields) => Step } = {
  run: (f) => ({ name: f.name, action: 'run', run: f.run!, expect: f.expect ?? { exit: 0 }, timeout: f.timeout }),
  inject: (f) => ({ name: f.name, action: 'inject', inject: f.inject! }),
  clear: (f) => ({ name: f.name, action: 'clear', clear: f.clear! }),
  advance: (f) => ({ name: f.name, action: 'advance', advance: f.advance! }),
  report: (f) => ({ name: f.name, action: 'report', report: f.report! }),
};

const step = stepFields
  .superRefine((f, ctx) => {
    const given = ACTIONS.filter((a) => f[a] !== undefined);
    if (given.length !== 1) {
      const message = given.length === 0 ? `a step needs one of ${ACTIONS.join(', ')}` : `a step does one thing: ${given.join(' and ')} given`;
      ctx.addIssue({ code: 'custom', message, path: given.length > 1 ? [given[1]!] : [] });
      return;
    }
    if (given[0] === 'run') return;
    for (const k of RUN_ONLY) if (f[k] !== undefined) ctx.addIssue({ code: 'custom', message: `only a run step has ${k}`, path: [k] });
  })
  .transform((f) => TO_STEP[ACTIONS.find((a) => f[a] !== undefined)!](f));

export const scenarioSchema = z
  .strictObject({
    description: z.string().min(1),
    /** A built-in topology name, or a file relative to the scenario. */
    topology: z.string().min(1).default(DEFAULT_TOPOLOGY),
    clock: z.enum(['real', 'virtual']).default('virtual'),
    /** false: the shim redirects /sys instead of a mount namespace. */
    namespace: z.boolean().default(true),
    /** Seconds a run step's command may take, unless the step says otherwise. */
    timeout: seconds.default(DEFAULT_TIMEOUT_S),
    steps: z.array(step).min(1, 'a scenario needs at least one step'),
  })
  .superRefine((s, ctx) => {
    // The daemon would refuse it at that step; say so before anything starts.
    for (const [i, st] of s.steps.entries()) {
      if (s.clock === 'real' && st.action === 'advance') ctx.addIssue({ code: 'custom', message: 'advance needs clock: virtual', path: ['steps', i, 'advance'] });
    }
  });

export type Scenario = z.output<typeof scenarioSchema> & {
  /** The file, as named in messages. */
  readonly file: string;
  /** FILE:LINE:COL of the topology field, for messages about the topology. */
  readonly topologyAt: string;
};

/** Parse a scenario's text; `file` names it in messages. Throws ScenarioError with one line. */
export function parseScenario(text: string, file: string): Scenario {
  let source;
  try {
    source = readYaml(text, file);
  } catch (e) {
    if (e instanceof YamlSourceError) throw new ScenarioError(e.message);
    throw e;
  }
  const result = scenarioSchema.safeParse(source.data);
  if (!result.success) throw new ScenarioError(describeIssue(source, result.error.issues[0]!));
  const steps = result.data.steps.map((s, i) => ({ ...s, line: source.line(['steps', i]) }));
  return { ...result.data, steps, file, topologyAt: source.where(['topology']) };
}

/** A bare name of a built-in, else a file relative to the scenario's directory. */
export function resolveScenarioTopology(scenario: Scenario): string {
  const name = scenario.topology;
  const builtin = !name.includes('/') && !name.endsWith('.yaml') && existsSync(join(TOPOLOGY_DIR, `${name}.yaml`));
  return builtin ? name : resolve(dirname(resolve(scenario.file)), name);
}

/** Read, parse and check a scenario file and the topology it names (a bad topology is a bad scenario). */
export async function loadScenario(file: string): Promise<Scenario & { readonly topologyFile: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const scenario = parseScenario(text, file);
  const topologyFile = resolveScenarioTopology(scenario);
  try {
    loadTopology(topologyFile);
  } catch (e) {
    throw new ScenarioError(`${scenario.topologyAt}: topology: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ...scenario, topologyFile };
}
