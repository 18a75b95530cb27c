// A scenario's results as TAP (version 13): a plan, one line per step as it
// ends, a YAML block under a failed step (what failed, the command's exit
// and the tail of its output), and a summary comment.
import { stringify } from 'yaml';
import type { ScenarioResult, StepResult } from './runner.js';

/** Lines of stdout/stderr shown under a failed step. */
const TAIL_LINES = 20;
/** Longest actual value shown under a failed step, in characters of JSON. */
const MAX_ACTUAL = 1000;

const MODE_TEXT = { namespace: 'mount namespace', shim: 'shim redirecting /sys' } as const;

/** TAP reads '#' in a description as the start of a directive. */
const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/\s+/g, ' ');

function tail(text: string): string | undefined {
  if (text === '') return undefined;
  const lines = text.replace(/\n$/, '').split('\n');
  const kept = lines.slice(-TAIL_LINES);
  return `${lines.length > kept.length ? `[... ${lines.length - kept.length} line(s) before]\n` : ''}${kept.join('\n')}\n`;
}

function compact(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > MAX_ACTUAL ? `${s.slice(0, MAX_ACTUAL)}...` : s;
}

export function tapHeader(info: { file: string; description: string; topology: string; clock: string; mode: 'namespace' | 'shim'; steps: number }): string {
  return ['TAP version 13', `1..${info.steps}`, `# ${info.file}: ${info.description} (topology ${info.topology}, ${info.clock} clock, ${MODE_TEXT[info.mode]})`, ''].join('\n');
}

function details(r: StepResult, file: string): string {
  const block: Record<string, unknown> = { at: r.line === undefined ? file : `${file}:${r.line}` };
  if (r.command !== undefined) block['command'] = r.command;
  if (r.output) block['exit'] = r.output.exit;
  block['failed'] = r.failures.map((f) => `${f.where}: ${f.message}`);
  // Primitive values are in the message already; a mismatching object or array is shown here.
  const structured = r.failures.filter((f) => typeof f.actual === 'object' && f.actual !== null);
  if (structured.length > 0) block['actual'] = Object.fromEntries(structured.map((f) => [f.where, compact(f.actual)]));
  if (r.output) {
    block['stdout'] = tail(r.output.stdout);
    block['stderr'] = tail(r.output.stderr);
  }
  const yaml = stringify(block, { lineWidth: 0 }).replace(/\n$/, '');
  return ['  ---', ...yaml.split('\n').map((l) => `  ${l}`), '  ...'].join('\n');
}

export function tapStep(r: StepResult, file: string): string {
  const title = `${r.index} - ${escape(r.name)}`;
  if (r.status === 'skipped') return `ok ${title} # SKIP ${r.reason ?? ''}\n`;
  if (r.status === 'passed') return `ok ${title}\n`;
  return `not ok ${title}\n${details(r, file)}\n`;
}

export function tapSummary(r: ScenarioResult): string {
  const verdict = r.ok ? 'ok' : 'FAILED';
  return `# ${verdict}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped of ${r.steps.length} step(s) in ${(r.durationMs / 1000).toFixed(1)} s\n`;
}
