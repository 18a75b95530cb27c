// Sixteen client processes against one daemon at once: the unmodified
// ndctl listing everything (one of them killed part-way, again and again),
// updating firmware, arming and disarming (ndctl and plain shell writes to
// nmemN/firmware/activate) and activating, while this process reads sysfs
// attributes asynchronously. Nothing may hang or
// crash, every client must end the way Linux would let it end under
// contention, and the state left behind must be one the kernel could reach.
//
// Clock: virtual, with nfit_test's verify time set to 0 (instant-verify.ts).
// ndctl waits for the verify on its own real-time clock, and nfit_test's
// bus stays busy for 3 s after an activation; on the virtual clock each
// finished client command moves time on by 250 ms instead, so busy windows
// open and close while the others run, without the test sleeping and
// whatever the machine's speed.
//
// Bound: clients start new commands for NDSIM_CONCURRENCY_MS (default
// 10000 ms); each command is killed by its pid after CHILD_TIMEOUT_MS
// (60 s, which counts as a deadlock); the test's own timeout is the sum
// plus setup (see TEST_TIMEOUT_MS). Nothing outlives afterAll.
// NDSIM_CONCURRENCY_SEED picks another mix; NDSIM_CONCURRENCY_VERBOSE=1
// prints a tally of the outcomes and the activation history.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxed } from '../../src/cli/run.js';
import { request } from '../../src/control/client.js';
import type { Report } from '../../src/control/report.js';
import { readAttr } from '../integration/fsio.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { startSimulation, type Simulation } from './sandbox.js';

const DURATION_MS = Number(process.env['NDSIM_CONCURRENCY_MS'] ?? 10_000);
const CHILD_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = DURATION_MS + CHILD_TIMEOUT_MS + 60_000;
const SEED = Number(process.env['NDSIM_CONCURRENCY_SEED'] ?? 5);

const BUS = 'ndbus0';
const PROVIDER = 'nfit_test.0';
const DIMMS = ['nmem0', 'nmem1', 'nmem2', 'nmem3'];
const DEVICES = '/sys/bus/nd/devices';
/** nfit_test.0: 1 s of quiesce per armed DIMM against a 3 s maximum, busy for 3 s after an activation. */
const ACTIVATE_TMO_US = 1_000_000;
const MAX_QUIESCE_TMO_US = 3_000_000;
const BUSY_MS = 3000;
/** Virtual time that passes with each finished client command. */
const TICK_MS = 250;
/** include/uapi/linux/ndctl.h: the nstype values ndctl reports an available size for. */
const ND_DEVICE_NAMESPACE_PMEM = 5;
const ND_DEVICE_NAMESPACE_BLK = 6;

type Role = 'list' | 'list-killed' | 'update' | 'ndctl-arm' | 'shell-arm' | 'activate';
/** The sixteen clients. */
const ROLES: readonly Role[] = [
  'list', 'list', 'list', 'list', 'list-killed',
  'update', 'update', 'update', 'update',
  'ndctl-arm', 'ndctl-arm', 'ndctl-arm',
  'shell-arm', 'shell-arm', 'shell-arm',
  'activate',
];

// ---- what a client may legitimately come back with ------------------------

/**
 * ndctl's own messages for outcomes the kernel and the firmware give under
 * contention (ndctl/dimm.c update_firmware, fw_update_arm):
 *  - another client's update holds the DIMM's update slot, or a verified
 *    image waits for activation (start: extended status 0x10007);
 *  - the bus reads overflow before arming, or arming tripped it;
 *  - the bus is busy after an activation (intel_fwa_arm: EBUSY).
 */
const UPDATE_ERRORS = [
  /: busy with another firmware update/,
  /: overflow detected skip arm/,
  /: failed to arm/,
  /: arm aborted, tripped overflow/,
];
/**
 * activate-firmware (ndctl/bus.c): nothing armed (ENXIO), or the bus is
 * busy (core.c activate_store: EBUSY). Exit status is the errno's low byte.
 */
const ACTIVATE_OUTCOMES: Readonly<Record<number, RegExp>> = {
  250: /no devices armed\nerror activating firmware: No such device or address/,
  240: /firmware activation failed \(Device or resource busy\)/,
};
/** A shell write of arm/disarm: intel_fwa_arm's EBUSY while the bus is busy. */
const SHELL_WRITE_ERROR = /^\/usr\/bin\/printf: write error: Device or resource busy\n$/;

interface Run {
  role: Role;
  argv: readonly string[];
  rc: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Killed on purpose part-way (list-killed): a client dying mid-request. */
  killedEarly: boolean;
  stdout: string;
  stderr: string;
}

/** Why a finished client's outcome is not one the kernel could give, or null. */
function unexpected(r: Run): string | null {
  if (r.timedOut) return 'did not finish (killed after the deadline)';
  if (r.signal && !r.killedEarly) return `killed by ${r.signal}`;
  const errors = r.stderr.split('\n').filter((l) => l.includes('Error:'));
  switch (r.role) {
    case 'list':
      return r.rc === 0 ? null : `exit ${r.rc}`;
    case 'list-killed':
      return r.rc === 0 || r.killedEarly ? null : `exit ${r.rc}`;
    case 'update':
    case 'ndctl-arm': {
      if (r.rc !== 0 && r.rc !== 1) return `exit ${r.rc}`;
      const bad = errors.filter((l) => !UPDATE_ERRORS.some((re) => re.test(l)));
      return bad.length ? `unexpected error: ${bad.join(' | ')}` : null;
    }
    case 'shell-arm':
      return r.rc === 0 || (r.rc === 1 && SHELL_WRITE_ERROR.test(r.stderr)) ? null : `exit ${r.rc}`;
    case 'activate':
      if (r.rc === 0) return null;
      return r.rc !== null && ACTIVATE_OUTCOMES[r.rc]?.test(r.stderr) ? null : `exit ${r.rc}`;
  }
}

// ---- a small deterministic choice of commands ------------------------------

/** mulberry32: a seeded stream in [0, 1), so a failing mix can be replayed with NDSIM_CONCURRENCY_SEED. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('empty choice');
  return x;
}

function command(role: Role, r: () => number, image: string): string[] {
  const dimm = pick(r, DIMMS);
  switch (role) {
    case 'list':
    case 'list-killed':
      return ['ndctl', 'list', '-BDFHRN', '-vvv'];
    case 'update':
      return ['ndctl', 'update-firmware', '-f', image, dimm];
    case 'ndctl-arm':
      return r() < 0.5 ? ['ndctl', 'update-firmware', '-A', dimm] : ['ndctl', 'update-firmware', '-D', dimm];
    case 'shell-arm':
      return ['sh', '-c', '/usr/bin/printf %s "$1" > "$0"', `${DEVICES}/${dimm}/firmware/activate`, r() < 0.5 ? 'arm' : 'disarm'];
    case 'activate':
      return r() < 0.5 ? ['ndctl', 'activate-firmware', PROVIDER] : ['ndctl', 'activate-firmware', '--force', PROVIDER];
  }
}

// ---- ndctl list's view of regions and namespaces -----------------------------

interface ListedNamespace {
  dev: string;
  mode?: string;
  size?: number;
}
interface ListedRegion {
  dev: string;
  size: number;
  available_size: number;
  namespaces?: ListedNamespace[];
}
interface ListedDimm {
  dev: string;
  firmware?: { next_version?: string | number; activate_state?: string; activate_result?: string };
}
interface ListedBus {
  dev: string;
  firmware?: { activate_state?: string };
  dimms?: ListedDimm[];
  regions?: ListedRegion[];
}

/** Regions and their namespaces, as one comparable string per region. */
function layout(buses: ListedBus[]): string[] {
  return buses
    .flatMap((b) => b.regions ?? [])
    .map((r) => `${r.dev} ${r.size} ${r.available_size}: ${(r.namespaces ?? []).map((n) => `${n.dev} ${n.mode} ${n.size}`).sort().join(', ')}`)
    .sort();
}

describe('16 concurrent clients', () => {
  let sim: Simulation;
  let dir = '';
  let image = '';
  const live = new Set<ChildProcess>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ndsim-concurrency-'));
    image = join(dir, 'update-fw.img');
    await writeFile(image, '');
    await truncate(image, 196608);
    sim = await startSimulation('shim', await writeInstantVerifyTopology(dir), 'virtual');
    // The boot scrub ends (ndctl refuses updates while it runs).
    await advance(1000);
  }, 60_000);

  afterAll(async () => {
    for (const c of live) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sys = (p: string) => join(sim.daemon.mnt, p);
  async function advance(ms: number): Promise<void> {
    await request(sim.control, { op: 'advance', ms });
  }
  async function read(p: string): Promise<string> {
    const r = await readAttr(sys(p));
    if (!r.ok) throw new Error(`read ${p}: ${r.op} ${r.code}`);
    return r.value.trim();
  }

  /** Run one client; `killAfterMs`: SIGKILL it by pid that soon (a client dying mid-request). */
  function runClient(role: Role, argv: readonly string[], killAfterMs?: number): Promise<Run> {
    const s = sandboxed({ root: sim.daemon.mnt, socket: sim.socket, control: sim.control }, argv, false);
    return new Promise((resolve) => {
      const child = spawn(s.file, s.args, { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
      live.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let killedEarly = false;
      const killer =
        killAfterMs === undefined
          ? undefined
          : setTimeout(() => {
              killedEarly = true;
              if (child.pid) process.kill(child.pid, 'SIGKILL');
            }, killAfterMs);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      }, CHILD_TIMEOUT_MS);
      const done = (rc: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        clearTimeout(killer);
        live.delete(child);
        resolve({ role, argv, rc, signal, timedOut, killedEarly: killedEarly && signal === 'SIGKILL', stdout, stderr });
      };
      child.on('error', (e) => {
        stderr += e.message;
        done(127, null);
      });
      child.on('close', done);
    });
  }

  it('no deadlock, no crash, kernel-reachable outcomes and final state', async () => {
    const deadline = Date.now() + DURATION_MS;
    const runs: Run[] = [];
    const readErrors: string[] = [];
    let reads = 0;

    const client = async (role: Role, index: number) => {
      const r = rng(SEED * 1000 + index);
      while (Date.now() < deadline) {
        const run = await runClient(role, command(role, r, image), role === 'list-killed' ? Math.floor(r() * 500) : undefined);
        runs.push(run);
        // Time moves with the work done, not with the machine's speed: a busy window closes after a dozen runs.
        await advance(TICK_MS);
      }
    };

    /** This process's own reads: every attribute always reads, with a word from its vocabulary. */
    const VOCABULARY: ReadonlyArray<[string, RegExp]> = [
      [`${DEVICES}/${BUS}/firmware/activate`, /^(idle|armed|overflow|busy)$/],
      ...DIMMS.flatMap((d): Array<[string, RegExp]> => [
        [`${DEVICES}/${d}/firmware/activate`, /^(idle|armed|busy)$/],
        [`${DEVICES}/${d}/firmware/result`, /^(none|success|fail|not_staged|need_reset)$/],
      ]),
      [`${DEVICES}/region0/size`, /^\d+$/],
      [`${DEVICES}/region1/available_size`, /^\d+$/],
      [`${DEVICES}/${BUS}/nfit/scrub`, /^\d+$/],
    ];
    const reader = async (index: number) => {
      const r = rng(SEED * 7000 + index);
      while (Date.now() < deadline) {
        const [path, re] = pick(r, VOCABULARY);
        const got = await readAttr(sys(path));
        reads++;
        if (!got.ok) readErrors.push(`${path}: ${got.op} ${got.code}`);
        else if (!re.test(got.value.trim())) readErrors.push(`${path}: ${JSON.stringify(got.value)}`);
      }
    };

    await Promise.all([...ROLES.map((role, i) => client(role, i)), reader(0), reader(1)]);

    if (process.env['NDSIM_CONCURRENCY_VERBOSE']) {
      const tally = new Map<string, number>();
      for (const r of runs) {
        const msg = r.stderr.split('\n').find((l) => /Error:|error|failed/.test(l))?.replace(/nmem\d/g, 'nmemN') ?? '';
        const key = `${r.role} ${r.argv.slice(1, 3).join(' ')} rc=${r.rc} ${msg}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      process.stderr.write(`${[...tally].sort().map(([k, n]) => `${n}\t${k}`).join('\n')}\nreads ${reads}\n`);
    }

    // -- no deadlock, no crash, nothing the kernel would not say -------------
    const wrong = runs.map((r) => [r, unexpected(r)] as const).filter(([, why]) => why !== null);
    expect(wrong.map(([r, why]) => `${r.argv.join(' ')}: ${why}\n${r.stderr}`)).toEqual([]);
    expect(readErrors).toEqual([]);
    expect(sim.daemon.child.exitCode).toBeNull();
    expect(sim.daemon.output()).not.toMatch(/internal error|ioctl service:/);
    // Every kind of client ran, and the contention was real: some updates staged, some activations ran.
    for (const role of new Set(ROLES)) expect(runs.filter((r) => r.role === role).length, role).toBeGreaterThan(0);
    expect(runs.filter((r) => r.role === 'update' && r.rc === 0).length).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);

    // -- the final state ------------------------------------------------------
    // Close any busy window, then read as intel.c's caches require: each
    // DIMM's activate (re-polls its state and result) before the bus.
    await advance(BUSY_MS + 1);
    const dimmState: Record<string, string> = {};
    const dimmResult: Record<string, string> = {};
    for (const d of DIMMS) {
      dimmState[d] = await read(`${DEVICES}/${d}/firmware/activate`);
      dimmResult[d] = await read(`${DEVICES}/${d}/firmware/result`);
    }
    const busState = await read(`${DEVICES}/${BUS}/firmware/activate`);
    const report = (await request(sim.control, { op: 'report' })).report as Report;
    if (process.env['NDSIM_CONCURRENCY_VERBOSE']) process.stderr.write(`${JSON.stringify({ busState, dimmState, dimmResult, history: report.buses[0]?.activation?.history.map((a) => [a.statusName, a.results]) })}\n`);

    // Bus armed iff some DIMM is, overflow iff their quiesce time exceeds the maximum.
    const armed = DIMMS.filter((d) => dimmState[d] === 'armed');
    const wantBus = armed.length === 0 ? 'idle' : armed.length * ACTIVATE_TMO_US > MAX_QUIESCE_TMO_US ? 'overflow' : 'armed';
    expect({ busState, dimmState }).toEqual({ busState: wantBus, dimmState: Object.fromEntries(DIMMS.map((d) => [d, armed.includes(d) ? 'armed' : 'idle'])) });
    // The kernel's view is the firmware's.
    for (const d of DIMMS) expect(report.dimms.find((x) => x.name === d)?.firmware.armed, d).toBe(dimmState[d] === 'armed');

    // Results (nd_intel_test_cmd_fw_activate_dimminfo): none while armed;
    // otherwise those of the latest activation that ran. A DIMM that missed
    // it (armed without a verified image) reads not_staged until a later
    // verify clears missed_activate, then its previous result again.
    const history = report.buses.find((b) => b.name === BUS)?.activation?.history ?? [];
    const ran = history.filter((a) => Object.keys(a.results).length > 0);
    const sysfsWord = (r: string) => (r === 'success' || r === 'need_reset' || r === 'not_staged' || r === 'none' ? r : 'fail');
    for (const d of DIMMS) {
      const last = ran[ran.length - 1];
      const mine = last?.results[d];
      if (dimmState[d] === 'armed' || !last || mine === undefined) {
        expect(dimmResult[d], `${d}: armed, or not in the latest activation`).toBe('none');
        continue;
      }
      const earlier = ran.slice(0, -1).map((a) => a.results[d]).filter((x): x is string => x !== undefined && x !== 'not_staged');
      const allowed = mine === 'not_staged' ? ['not_staged', sysfsWord(earlier[earlier.length - 1] ?? 'success')] : [sysfsWord(mine)];
      expect(allowed, `${d}: result ${dimmResult[d]} after ${JSON.stringify(last.results)}`).toContain(dimmResult[d]);
    }

    // Update state: no update left half done (every client ended on its own);
    // a staged image or a successful activation means an image did verify.
    const final = await runClient('list', ['ndctl', 'list', '-BDFHRN', '-vvv']);
    expect(unexpected(final), final.stderr).toBeNull();
    const buses = JSON.parse(final.stdout) as ListedBus[];
    const listedDimms = new Map((buses.find((b) => b.dev === BUS)?.dimms ?? []).map((d) => [d.dev, d]));
    for (const d of DIMMS) {
      const state = report.dimms.find((x) => x.name === d)?.firmware.state;
      expect(['new', 'updated'], `${d} update state`).toContain(state);
      const listed = listedDimms.get(d);
      if (state === 'updated' || dimmResult[d] === 'success' || dimmResult[d] === 'need_reset') expect(listed?.firmware?.next_version, `${d} next_version`).toBeDefined();
      if (listed?.firmware?.activate_state !== undefined) expect(listed.firmware.activate_state, `${d} listed state`).toBe(dimmState[d]);
    }
    expect(buses.find((b) => b.dev === BUS)?.firmware?.activate_state).toBe(busState);

    // Regions and namespaces: ndctl's view, every time, is sysfs's.
    const sysfsLayout: string[] = [];
    for (const region of layout(buses).map((l) => l.split(' ')[0] ?? '')) {
      const size = await read(`${DEVICES}/${region}/size`);
      // ndctl_region_get_available_size(): 0 unless the region's namespaces are pmem (5) or blk (6).
      const nstype = Number(await read(`${DEVICES}/${region}/nstype`));
      const avail = nstype === ND_DEVICE_NAMESPACE_PMEM || nstype === ND_DEVICE_NAMESPACE_BLK ? await read(`${DEVICES}/${region}/available_size`) : '0';
      const nss = (buses.flatMap((b) => b.regions ?? []).find((r) => r.dev === region)?.namespaces ?? []).map((n) => n.dev);
      const described: string[] = [];
      for (const ns of nss) described.push(`${ns} ${await read(`${DEVICES}/${ns}/mode`)} ${await read(`${DEVICES}/${ns}/size`)}`);
      sysfsLayout.push(`${region} ${size} ${avail}: ${described.sort().join(', ')}`);
    }
    expect(layout(buses)).toEqual(sysfsLayout.sort());
    for (const r of runs.filter((x) => x.role === 'list' || (x.role === 'list-killed' && x.rc === 0))) expect(layout(JSON.parse(r.stdout) as ListedBus[])).toEqual(layout(buses));
  }, TEST_TIMEOUT_MS);
});
