// Bad input to every writable attribute of every built-in topology
// (issue 5, "Bad input"): each write(2) gets the kernel's result, decided
// by the declarative oracle in test/support/bad-input-oracle.ts (one row
// per kernel store function, from the 6.1 source), and a rejected write
// changes nothing.
//
// Per starting state: a fixed corpus on every writable attribute, then
// fast-check over (oracle row, attribute, generated write plan) with a
// fixed seed (SEED; fast-check prints the seed, path and counterexample of
// a failure). Plans the oracle rejects outright run on a pristine
// simulation: the written attribute's directory is compared around each
// plan, and the whole tree (shape, modes, link targets, every readable
// attribute's content or read errno) after each pass. Plans with a write
// that may succeed run on a second simulation whose state may drift.
// The in-process vfs has no file position (fs/sysfs/file.c sysfs_kf_write
// ignores it); writes at offsets go through FUSE in
// test/integration/bad-input-fuse.test.ts.
import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { isKernelError, errnoName } from '../../src/kernel/errno.js';
import type { Simulation } from '../../src/daemon/daemon.js';
import { O_WRONLY } from '../../src/kernel/open-flags.js';
import { S_IFDIR, S_IFMT, S_IFREG } from '../../src/sysfs/vfs.js';
import { describe, fixedPlans, writePlans, type WritePlan } from '../support/bad-input-corpus.js';
import { expectedOutcome, PAGE_SIZE, ruleFor, type Outcome } from '../support/bad-input-oracle.js';
import { factsOf } from '../support/tree-facts.js';
import { walkVfs } from '../support/vfs-walk.js';
import { makeSimulation, SysfsClient } from './helpers.js';
import { initLabelsOnBus0 } from '../support/ndctl-ops.js';

/**
 * Where the writes start from: each built-in topology as it boots, and
 * nfit_test after init-labels (pmem namespace seeds, whose size, uuid,
 * alt_name and sector_size are writable), also with a uuid given to
 * namespace0.0 (so a size write gets past "no uuid").
 */
const STATES: ReadonlyArray<{ name: string; make: () => Simulation }> = [
  ...(['nfit_test', 'qemu-nfit', 'fwa-live', 'fwa-none'] as const).map((t) => ({ name: t, make: () => makeSimulation(t) })),
  {
    name: 'nfit_test after init-labels',
    make: () => {
      const sim = makeSimulation('nfit_test');
      initLabelsOnBus0(sim.system, sim.vfs);
      return sim;
    },
  },
  {
    name: 'nfit_test after init-labels, namespace0.0 with a uuid',
    make: () => {
      const sim = makeSimulation('nfit_test');
      initLabelsOnBus0(sim.system, sim.vfs);
      new SysfsClient(sim).write('/sys/devices/platform/nfit_test.0/ndbus0/region0/namespace0.0/uuid', 'e5d3ae3e-7d93-4e5a-9e0f-5d1c0a7b2f10\n');
      return sim;
    },
  },
];
/** Fixed so runs repeat; BAD_INPUT_SEED=<n> explores another part of the corpus. */
const SEED = Number(process.env.BAD_INPUT_SEED ?? 0x5eed_0005);
/** Per topology; the whole file stays well under a minute (about 10 s on the dev VM). */
const NUM_RUNS = 1000;

/** Every regular file under /sys that open(O_WRONLY) admits (kernfs: it has a store). */
function writableAttributes(sim: Simulation, dir = '/sys', out: string[] = []): string[] {
  for (const name of sim.vfs.readdir(dir)) {
    const path = `${dir}/${name}`;
    const type = sim.vfs.getattr(path).mode & S_IFMT;
    if (type === S_IFDIR) writableAttributes(sim, path, out);
    else if (type === S_IFREG && sim.vfs.permits(path, O_WRONLY)) out.push(path);
  }
  return out;
}

/** The whole tree as one comparable string per path. */
function snapshot(sim: Simulation): Map<string, string> {
  const out = new Map<string, string>();
  for (const top of sim.vfs.readdir('/')) {
    for (const [path, entry] of walkVfs(sim.vfs, `/${top}`)) out.set(path, JSON.stringify(entry));
  }
  return out;
}

function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, v] of before) if (after.get(p) !== v) out.push(`${p}: ${v} → ${after.get(p) ?? '(gone)'}`);
  for (const p of after.keys()) if (!before.has(p)) out.push(`${p}: (new)`);
  return out;
}

type Result = { ok: true; n: number } | { ok: false; errno: string };

/** One write(2) on an open handle, as its result or errno name. */
function writeOnce(sim: Simulation, handle: number, data: Buffer): Result {
  try {
    return { ok: true, n: sim.vfs.write(handle, data) };
  } catch (e) {
    if (!isKernelError(e)) throw e;
    return { ok: false, errno: errnoName(e.errno) ?? String(e.errno) };
  }
}

function check(path: string, data: Buffer, want: Outcome, got: Result): void {
  const what = `${path} ← ${describe(data)}`;
  const full = Math.min(data.length, PAGE_SIZE);
  switch (want.kind) {
    case 'reject':
      expect(got, what).toEqual({ ok: false, errno: want.errno });
      break;
    case 'accept':
      expect(got, what).toEqual({ ok: true, n: full });
      break;
    case 'valid':
      if (got.ok) expect(got.n, what).toBe(full);
      else expect(want.errnos, `${what}: ${got.errno}`).toContain(got.errno);
      break;
    case 'undefined':
      if (got.ok) expect(got.n, what).toBe(full);
      break;
  }
}

/** One write(2) sequence on one open file, each chunk checked against the oracle as it goes. */
function runPlan(sim: Simulation, path: string, plan: WritePlan, outcomes?: readonly Outcome[]): void {
  const facts = factsOf(sim);
  const h = sim.vfs.open(path, O_WRONLY);
  try {
    plan.chunks.forEach((chunk, i) => {
      check(path, chunk, outcomes?.[i] ?? expectedOutcome(path, chunk, facts), writeOnce(sim, h, chunk));
    });
  } finally {
    sim.vfs.release(h);
  }
}

/**
 * Two simulations of one topology. Plans the oracle says are rejected
 * outright run on `pristine`, whose tree must never change: the written
 * attribute's directory is compared around every plan, and the whole tree
 * against its snapshot at the end of each pass. Plans with a write that
 * may succeed run on `scratch`, whose state is allowed to drift (the
 * oracle reads the state it needs before each write); it is rebuilt when
 * a drift removed the attribute.
 */
class Bench {
  readonly pristine: Simulation;
  readonly baseline: Map<string, string>;
  private scratch: Simulation;
  /** The rejected plans run on `pristine`, for the whole-tree failure message. */
  private readonly log: string[] = [];

  constructor(private readonly make: () => Simulation) {
    this.pristine = make();
    this.baseline = snapshot(this.pristine);
    this.scratch = make();
  }

  run(path: string, plan: WritePlan): void {
    // Rejected chunks change nothing, so the whole plan's outcomes can be
    // known up front as long as every chunk is rejected.
    const facts = factsOf(this.pristine);
    const outcomes = plan.chunks.map((c) => expectedOutcome(path, c, facts));
    if (outcomes.every((o) => o.kind === 'reject' || plan.chunks.length === 0)) {
      const dir = path.slice(0, path.lastIndexOf('/'));
      const before = directory(this.pristine, dir);
      runPlan(this.pristine, path, plan, outcomes);
      this.log.push(`${plan.label} ${path}`);
      expect(treeDiff(before, directory(this.pristine, dir)), `${plan.label} write to ${path} changed its directory`).toEqual([]);
      return;
    }
    if (!factsOf(this.scratch).exists(path)) this.scratch = this.make();
    runPlan(this.scratch, path, plan);
  }

  /** The whole pristine tree is what it was before any write. */
  verifyUnchanged(): void {
    const diff = treeDiff(this.baseline, snapshot(this.pristine));
    expect(diff, `rejected writes changed the tree; the plans were:\n${this.log.slice(-50).join('\n')}`).toEqual([]);
  }
}

/** The entries directly in one directory (subdirectories by name only): the cheap per-plan check. */
function directory(sim: Simulation, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of sim.vfs.readdir(dir)) {
    const path = `${dir}/${name}`;
    if ((sim.vfs.getattr(path).mode & S_IFMT) === S_IFDIR) out.set(path, 'dir');
    else for (const [p, e] of walkVfs(sim.vfs, path)) out.set(p, JSON.stringify(e));
  }
  return out;
}

suite('bad input: the kernel errno, and nothing changes', () => {
  it('the kernfs write path: count 0 never reaches store, > PAGE_SIZE is cut to one page', () => {
    const sim = makeSimulation('nfit_test');
    const path = '/sys/devices/platform/nfit_test.0/ndbus0/region0/read_only';
    const h = sim.vfs.open(path, O_WRONLY);
    // kernfs_fop_write_iter: len = min(len, PAGE_SIZE); store sees "1" + 4095 spaces and accepts.
    expect(sim.vfs.write(h, Buffer.from(`1${' '.repeat(5000)}`))).toBe(4096);
    expect(sim.vfs.write(h, Buffer.alloc(0))).toBe(0);
    sim.vfs.release(h);
  });

  for (const state of STATES) {
    suite(state.name, () => {
      const bench = new Bench(state.make);
      const attrs = writableAttributes(bench.pristine);

      it('every writable attribute has an oracle row, and a snapshot is stable', () => {
        expect(attrs.length).toBeGreaterThan(50);
        expect(attrs.filter((p) => !ruleFor(p))).toEqual([]);
        expect(treeDiff(bench.baseline, snapshot(bench.pristine))).toEqual([]);
      });

      it('the fixed corpus, on every writable attribute', () => {
        for (const path of attrs) for (const plan of fixedPlans(ruleFor(path)?.words ?? [''])) bench.run(path, plan);
        bench.verifyUnchanged();
      });

      it('generated write plans (fast-check)', () => {
        // A rule first, then one of its attributes: the 60-odd uevent files do not drown the rest.
        const byRule = new Map<unknown, string[]>();
        for (const p of attrs) byRule.set(ruleFor(p), [...(byRule.get(ruleFor(p)) ?? []), p]);
        const arb = fc
          .constantFrom(...byRule.values())
          .chain((paths) => fc.constantFrom(...paths))
          .chain((path) => writePlans(ruleFor(path)?.words ?? ['']).map((plan) => ({ path, plan })));
        fc.assert(
          fc.property(arb, ({ path, plan }) => {
            bench.run(path, plan);
          }),
          { seed: SEED, numRuns: NUM_RUNS },
        );
        bench.verifyUnchanged();
      });
    });
  }
});
