// The real-kernel captures (../shared/oracle/nfit_test): commands.log as a
// list of steps, each step's stdout/stderr/exit code, and the normalisation
// the oracle's README allows (scrub timing, the scratch directory).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { REPO } from '../integration/daemon-harness.js';

export const ORACLE = resolve(REPO, '../shared/oracle/nfit_test');

export type Step = { kind: 'command'; name: string; command: string } | { kind: 'state'; name: string };

export async function steps(): Promise<Step[]> {
  const log = await readFile(join(ORACLE, 'commands.log'), 'utf8');
  const out: Step[] = [];
  for (const line of log.split('\n')) {
    const state = /^### fws (\S+)$/.exec(line);
    if (state?.[1]) {
      out.push({ kind: 'state', name: state[1] });
      continue;
    }
    const cmd = /^### ([^\s:]+): (.*)$/.exec(line);
    if (cmd?.[1] && cmd[2] !== undefined) out.push({ kind: 'command', name: cmd[1], command: cmd[2] });
  }
  return out;
}

/** The steps from `first` up to and including `last`. */
export function between(all: Step[], first: string, last: string): Step[] {
  const i = all.findIndex((s) => s.name === first);
  const j = all.findIndex((s) => s.name === last);
  if (i < 0 || j < i) throw new Error(`no steps ${first}..${last}`);
  return all.slice(i, j + 1);
}

export interface Captured {
  stdout: string;
  stderr: string;
  rc: number;
}

export async function captured(step: string): Promise<Captured> {
  const read = (ext: string) => readFile(join(ORACLE, `${step}.${ext}`), 'latin1');
  return { stdout: await read('out'), stderr: await read('err'), rc: Number((await read('rc')).trim()) };
}

/** "<step> <file>=<value> ..." lines of fw-states.txt. */
export async function expectedStates(dir = ORACLE): Promise<Map<string, string>> {
  const text = await readFile(join(dir, 'fw-states.txt'), 'utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], m[2]);
  }
  return out;
}

/** The differences the oracle does not count: when the boot scrub ended. */
export function normalise(text: string): string {
  return text.replace(/"scrub_state":"(?:active|idle)"/g, '"scrub_state":"<timing>"');
}

/** Where two outputs part, with a little context: readable in a failure report. */
export function firstDifference(label: string, got: string, want: string): string {
  const a = got.split('\n');
  const b = want.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  const show = (lines: string[]) => lines.slice(Math.max(0, i - 2), i + 3).map((l, k) => `${Math.max(0, i - 2) + k + 1}: ${l}`).join('\n    ');
  return `${label} differs at line ${i + 1}\n  got:\n    ${show(a)}\n  captured:\n    ${show(b)}`;
}
