// Running a parsed scenario: one fresh simulation, its steps in order, each
// step's expectations checked and reported as it ends. Commands run through
// the same sandbox as `ndsim run`; this process only spawns, waits and
// talks to the control socket, never touches the mount.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sandboxed, withSimulation, type Endpoints } from '../cli/run.js';
import { request } from '../control/client.js';
import type { Fault } from '../control/protocol.js';
import { checkText, matchPartial, type Mismatch } from './match.js';
import type { Scenario, Step } from './schema.js';

/** Each of stdout and stderr is kept up to this many bytes (the rest is dropped and said so). */
const MAX_OUTPUT = 8 << 20;
/** After the shell exits, how long a background process may keep its output pipes open. */
const CLOSE_GRACE_MS = 2_000;

export interface CommandOutput {
  /** The exit status, 128+N when killed by signal N (the shell's convention). */
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  /** 1-based, as TAP counts. */
  readonly index: number;
  readonly name: string;
  readonly action: Step['action'];
  readonly line?: number;
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly failures: readonly Mismatch[];
  /** The daemon's answer to an inject, clear or advance. */
  readonly message?: string;
  /** A run step's command and what it did. */
  readonly command?: string;
  readonly output?: CommandOutput;
  /** Why a skipped step did not run. */
  readonly reason?: string;
}

export interface ScenarioResult {
  readonly file: string;
  readonly description: string;
  readonly topology: string;
  readonly clock: Scenario['clock'];
  /** How the commands saw the fake /sys. */
  readonly mode: 'namespace' | 'shim';
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
}

export interface RunnerOptions {
  /** false: the shim redirects /sys instead of a mount namespace. */
  readonly namespace: boolean;
  /** Run the remaining steps after a failure. */
  readonly keepGoing: boolean;
  /** Stops the scenario: the running command is killed, the rest skipped. */
  readonly signal?: AbortSignal;
  /** Once the simulation is up, before the first step. */
  onStart?(info: { mode: 'namespace' | 'shim'; steps: number }): void;
  /** As each step ends (or is skipped). */
  onStep?(result: StepResult): void;
}

interface Context {
  readonly at: Endpoints;
  readonly namespace: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly work: string;
  readonly timeoutS: number;
  readonly signal?: AbortSignal;
}

interface Outcome {
  failures: Mismatch[];
  message?: string;
  command?: string;
  output?: CommandOutput;
}

const oneLine = (s: string, max = 72) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}...` : flat;
};

function describeFault(f: Fault): string {
  const { kind, ...rest } = f;
  return [kind, ...Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`)].join(' ');
}

/** A step without a name is named after what it does. */
const DEFAULT_NAME: { readonly [A in Step['action']]: (s: Extract<Step, { action: A }>) => string } = {
  run: (s) => oneLine(s.run),
  inject: (s) => `inject ${describeFault(s.inject)}`,
  clear: (s) => `clear ${s.clear}`,
  advance: (s) => `advance ${s.advance} ms`,
  report: () => 'report',
};

export function stepName(step: Step): string {
  if (step.name !== undefined) return step.name;
  return (DEFAULT_NAME[step.action] as (s: Step) => string)(step);
}

/** Kill a command's whole process group (it was started as its leader), by its id. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  stream.on('data', (d: Buffer) => {
    const take = Math.max(0, Math.min(MAX_OUTPUT - size, d.length));
    if (take > 0) chunks.push(d.subarray(0, take));
    size += take;
    dropped += d.length - take;
  });
  return () => Buffer.concat(chunks).toString('utf8') + (dropped > 0 ? `\n[ndsim: ${dropped} more bytes dropped]\n` : '');
}

/** Run `sh -c command` in the sandbox; resolves when it has ended and its output is in. */
function runCommand(ctx: Context, command: string, timeoutS: number): Promise<CommandOutput> {
  const s = sandboxed(ctx.at, ['/bin/sh', '-c', command], ctx.namespace);
  return new Promise((res) => {
    // Its own process group, so that a timeout takes its children down too.
    const child = spawn(s.file, s.args, { env: { ...s.env, ...ctx.env }, cwd: ctx.work, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    let timedOut = false;
    let exit: number | undefined;
    const kill = () => killGroup(child.pid);
    const onAbort = () => kill();
    ctx.signal?.addEventListener('abort', onAbort);
    if (ctx.signal?.aborted) kill();
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutS * 1000);
    let grace: NodeJS.Timeout | undefined;
    let spawnError = '';
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(grace);
      ctx.signal?.removeEventListener('abort', onAbort);
      const note = (text: string, line: string) => (line === '' ? text : `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
      const err = note(note(stderr(), spawnError), timedOut ? `[ndsim: killed after ${timeoutS} s]` : '');
      res({ exit: status, stdout: stdout(), stderr: err, timedOut });
    };
    child.once('error', (e) => {
      spawnError = `ndsim: ${s.file}: ${e.message}`;
      child.stdout.destroy();
      child.stderr.destroy();
      finish(127);
    });
    child.once('exit', (code, signal) => {
      exit = code ?? 128 + (signal ? constants.signals[signal] : 0);
      // A background process still holding the pipes: give it a moment, then end it.
      grace = setTimeout(() => {
        kill();
        child.stdout.destroy();
        child.stderr.destroy();
        finish(exit ?? 1);
      }, CLOSE_GRACE_MS);
    });
    child.once('close', () => finish(exit ?? 1));
  });
}

async function controlStep(at: Endpoints, req: Parameters<typeof request>[1], where: string): Promise<Outcome> {
  try {
    const res = await request(at.control, req);
    return { failures: [], message: typeof res['done'] === 'string' ? res['done'] : undefined };
  } catch (e) {
    return { failures: [{ where, message: `refused: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

const EXECUTE: { readonly [A in Step['action']]: (s: Extract<Step, { action: A }>, ctx: Context) => Promise<Outcome> } = {
  run: async (s, ctx) => {
    const output = await runCommand(ctx, s.run, s.timeout ?? ctx.timeoutS);
    const failures: Mismatch[] = [];
    if (output.timedOut) failures.push({ where: 'exit', message: `timed out after ${s.timeout ?? ctx.timeoutS} s` });
    else if (output.exit !== s.expect.exit) failures.push({ where: 'exit', message: `expected ${s.expect.exit}, got ${output.exit}`, expected: s.expect.exit, actual: output.exit });
    for (const stream of ['stdout', 'stderr'] as const) {
      const e = s.expect[stream];
      if (e) failures.push(...checkText(e, output[stream], stream));
    }
    return { failures, command: s.run, output };
  },
  inject: (s, ctx) => controlStep(ctx.at, { op: 'inject', fault: s.inject }, 'inject'),
  clear: (s, ctx) => controlStep(ctx.at, { op: 'clear', target: s.clear === 'all' ? undefined : s.clear }, 'clear'),
  advance: (s, ctx) => controlStep(ctx.at, { op: 'advance', ms: s.advance }, 'advance'),
  report: async (s, ctx) => {
    let report: unknown;
    try {
      report = (await request(ctx.at.control, { op: 'report' }))['report'];
    } catch (e) {
      return { failures: [{ where: 'report', message: `refused: ${e instanceof Error ? e.message : String(e)}` }] };
    }
    const m = matchPartial(s.report, report, 'report');
    return { failures: m ? [m] : [] };
  },
};

function execute(step: Step, ctx: Context): Promise<Outcome> {
  return (EXECUTE[step.action] as (s: Step, c: Context) => Promise<Outcome>)(step, ctx);
}

/** Run every step against one fresh simulation of the scenario's topology (`topologyFile`: resolved, see loadScenario). */
export async function runScenario(scenario: Scenario & { readonly topologyFile: string }, opts: RunnerOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'ndsim-scenario-'));
  const results: StepResult[] = [];
  let mode: 'namespace' | 'shim' = 'shim';
  const report = (r: StepResult) => {
    results.push(r);
    opts.onStep?.(r);
  };
  try {
    await withSimulation({ topology: scenario.topologyFile, clock: scenario.clock, noNamespace: !opts.namespace }, async (at) => {
      mode = sandboxed(at, ['true'], opts.namespace).mode;
      opts.onStart?.({ mode, steps: scenario.steps.length });
      const ctx: Context = {
        at,
        namespace: opts.namespace,
        env: { SCENARIO_DIR: dirname(resolve(scenario.file)), WORK: work },
        work,
        timeoutS: scenario.timeout,
        signal: opts.signal,
      };
      let stopped: string | undefined;
      for (const [i, step] of scenario.steps.entries()) {
        const base = { index: i + 1, name: stepName(step), action: step.action, line: step.line };
        if (stopped === undefined && opts.signal?.aborted) stopped = 'interrupted';
        if (stopped !== undefined) {
          report({ ...base, status: 'skipped', durationMs: 0, failures: [], reason: stopped });
          continue;
        }
        const t0 = Date.now();
        const outcome = await execute(step, ctx);
        // Whatever the step's checks say, a killed step says nothing about the platform.
        if (opts.signal?.aborted) outcome.failures = [{ where: step.action, message: 'interrupted' }];
        const status: StepStatus = outcome.failures.length === 0 ? 'passed' : 'failed';
        report({ ...base, status, durationMs: Date.now() - t0, ...outcome });
        if (status === 'failed' && !opts.keepGoing) stopped = `step ${i + 1} failed`;
        if (opts.signal?.aborted) stopped = 'interrupted';
      }
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const count = (s: StepStatus) => results.filter((r) => r.status === s).length;
  return {
    file: scenario.file,
    description: scenario.description,
    topology: scenario.topology,
    clock: scenario.clock,
    mode,
    ok: count('failed') === 0 && count('skipped') === 0,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Date.now() - started,
    steps: results,
  };
}
