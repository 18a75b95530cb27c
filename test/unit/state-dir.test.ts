// The state directory behind ndsim mount --state: atomic replacement,
// reload, one clear line for each kind of bad file, a topology mismatch,
// the lock, the refusal of a directory inside the mountpoint; and the
// platform's use of it in-process (labels, firmware, namespace info blocks
// kept across a rebuild; a write that cannot be kept is not acknowledged).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/clock.js';
import { buildSimulation } from '../../src/daemon/daemon.js';
import { ERRNO } from '../../src/kernel/errno.js';
import { atomicWriteFileSync, tempPathFor } from '../../src/persist/atomic-write.js';
import { refuseStateInsideMount } from '../../src/persist/mount-guard.js';
import { StateDir, StateDirError } from '../../src/persist/state-dir.js';
import { NfitPlatform } from '../../src/platform/nfit-platform.js';
import type { FirmwareSnapshot, PlatformPersistence } from '../../src/platform/platform-persistence.js';
import { loadTopology } from '../../src/topology/load.js';
import { NdctlSession } from '../support/ndctl-namespaces.js';
import { disableRegion, initLabelsOnBus0, readConfig, writeConfig } from '../support/ndctl-ops.js';
import { FW_QUERY, INTEL_FN } from '../../src/platform/intel-payloads.js';
import { build } from '../../src/platform/payload.js';
import { dimmCall, NDBUS0, stageFirmware } from './helpers.js';

const NFIT_TEST = loadTopology('nfit_test');
const LABEL_SIZE = 131072;

let root: string;
const opened: StateDir[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ndsim-state-unit-'));
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(root, { recursive: true, force: true });
});

function open(dir = join(root, 'state'), topology = 'nfit_test', reset = false): StateDir {
  const s = StateDir.open({ dir, spec: loadTopology(topology), topology, reset });
  opened.push(s);
  return s;
}
function reopen(s: StateDir, reset = false): StateDir {
  s.close();
  return open(s.dir, 'nfit_test', reset);
}
/** The one-line message a bad state dir is refused with. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof StateDirError)) throw e;
    expect(e.message).not.toContain('\n');
    return e.message;
  }
  throw new Error('expected the state dir to be refused');
}
function simulation(state: PlatformPersistence) {
  const sim = buildSimulation(NFIT_TEST, 'nfit_test', 'virtual', {}, state);
  if (!(sim.clock instanceof VirtualClock)) throw new Error('expected a virtual clock');
  return { ...sim, clock: sim.clock };
}
const fw: FirmwareSnapshot = { state: 'updated', context: 3, sizeReceived: 4096, version: '18446744073709551615', armed: true, missedActivate: false, lastActivate: 2, activationResult: 0 };

describe('atomicWriteFileSync', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const f = join(root, 'f');
    atomicWriteFileSync(f, Buffer.from('old'));
    atomicWriteFileSync(f, Buffer.from('new contents'));
    expect(readFileSync(f, 'utf8')).toBe('new contents');
    expect(readdirSync(root)).toEqual(['f']);
  });
  it('fails without touching the target when the directory is gone', () => {
    expect(() => atomicWriteFileSync(join(root, 'missing', 'f'), Buffer.from('x'))).toThrow(/ENOENT/);
    expect(existsSync(tempPathFor(join(root, 'missing', 'f')))).toBe(false);
  });
});

describe('StateDir', () => {
  it('reloads what was written: labels, firmware, the last activation, media pages', () => {
    const s = open();
    const labels = Buffer.alloc(LABEL_SIZE, 0x5a);
    s.labelsWritten('bus0-dimm0x0001', labels);
    s.firmwareChanged('bus0-dimm0x0100', fw);
    s.timelineChanged({ seq: 2 });
    const page = Buffer.alloc(4096, 7);
    s.mediaPageWritten('bus0-region1', 3, page);
    s.mediaPageWritten('bus0-region1', 4, page);
    s.mediaPageWritten('bus0-region1', 4, undefined);
    const again = reopen(s).saved;
    expect(again.dimms.get('bus0-dimm0x0001')?.labels?.equals(labels)).toBe(true);
    expect(again.dimms.get('bus0-dimm0x0100')?.firmware).toEqual(fw);
    expect(again.timeline).toEqual({ seq: 2 });
    expect([...(again.media.get('bus0-region1')?.keys() ?? [])]).toEqual([3]);
    expect(again.media.get('bus0-region1')?.get(3)?.equals(page)).toBe(true);
  });

  it('refuses a directory made for another topology, in one line naming both', () => {
    const s = open();
    s.close();
    const msg = refusal(() => open(s.dir, 'qemu-nfit'));
    expect(msg).toMatch(/was made for topology nfit_test .* not for qemu-nfit .*--reset-state/);
  });

  it('refuses a non-empty directory that is not a state directory, and files it did not make', () => {
    const dir = join(root, 'other');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(refusal(() => open(dir))).toMatch(/not empty and has no ndsim-state.json \(notes.txt\)/);
    const s = open();
    s.close();
    writeFileSync(join(s.dir, 'notes.txt'), 'mine');
    expect(refusal(() => open(s.dir))).toMatch(/holds files ndsim did not make \(notes.txt\)/);
    expect(readFileSync(join(s.dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  const corrupt: Array<[string, (dir: string) => void, RegExp]> = [
    ['a short label file', (d) => writeFileSync(join(d, 'dimms/bus0-dimm0x0001.labels'), Buffer.alloc(100)), /dimms\/bus0-dimm0x0001\.labels: 100 bytes, but the DIMM's label area holds 131072/],
    ['a firmware file that is not JSON', (d) => writeFileSync(join(d, 'dimms/bus0-dimm0x0000.fw.json'), '{"format":1,'), /dimms\/bus0-dimm0x0000\.fw\.json: not JSON/],
    ['a firmware file with a bad field', (d) => writeFileSync(join(d, 'dimms/bus0-dimm0x0000.fw.json'), JSON.stringify({ format: 1, ...fw, state: 'flashing' })), /dimms\/bus0-dimm0x0000\.fw\.json: field state /],
    ['a firmware file of another format', (d) => writeFileSync(join(d, 'dimms/bus0-dimm0x0000.fw.json'), JSON.stringify({ ...fw, format: 2 })), /fw\.json: field format /],
    ['a file for no DIMM of the topology', (d) => writeFileSync(join(d, 'dimms/bus7-dimm0x0001.labels'), Buffer.alloc(LABEL_SIZE)), /dimms\/bus7-dimm0x0001\.labels: no DIMM of the topology has this name/],
    ['a short media page', (d) => (mkdirSync(join(d, 'media/bus0-region1')), writeFileSync(join(d, 'media/bus0-region1/00000000.pg'), Buffer.alloc(10))), /media\/bus0-region1\/00000000\.pg: 10 bytes, a media page holds 4096/],
    ['a media page past the region', (d) => (mkdirSync(join(d, 'media/bus0-region1')), writeFileSync(join(d, 'media/bus0-region1/ffffffff.pg'), Buffer.alloc(4096))), /ffffffff\.pg: not a page of bus0-region1/],
    ['a corrupt manifest', (d) => writeFileSync(join(d, 'ndsim-state.json'), '{}'), /ndsim-state\.json: field format /],
    ['a corrupt platform file', (d) => writeFileSync(join(d, 'platform.json'), 'null'), /platform\.json: .*expected object/],
  ];
  for (const [what, damage, message] of corrupt) {
    it(`names the file on ${what}, keeps it, and starts afresh only with --reset-state`, () => {
      const s = open();
      s.labelsWritten('bus0-dimm0x0001', Buffer.alloc(LABEL_SIZE, 1));
      s.close();
      damage(s.dir);
      const msg = refusal(() => open(s.dir));
      expect(msg).toMatch(message);
      expect(msg).toContain(s.dir);
      expect(msg).toContain('--reset-state');
      // Nothing was discarded by the refusal.
      expect(refusal(() => open(s.dir))).toBe(msg);
      const fresh = open(s.dir, 'nfit_test', true);
      expect(fresh.saved.dimms.size).toBe(0);
    });
  }

  it('drops temporary files a crash left behind: they were never acknowledged', () => {
    const s = open();
    s.labelsWritten('bus0-dimm0x0001', Buffer.alloc(LABEL_SIZE, 9));
    s.close();
    const stale = tempPathFor(join(s.dir, 'dimms/bus0-dimm0x0001.labels'));
    writeFileSync(stale, Buffer.alloc(12));
    const again = open(s.dir);
    expect(again.saved.dimms.get('bus0-dimm0x0001')?.labels?.[0]).toBe(9);
    expect(existsSync(stale)).toBe(false);
  });

  it('is used by one daemon at a time; the lock of a process gone, or that is no ndsim, is taken over', async () => {
    const s = open();
    s.close();
    const holder = spawn('/bin/sh', ['-c', 'sleep 60; : ndsim-lock-holder'], { stdio: 'ignore' });
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(join(s.dir, 'lock'), `${holder.pid}\n`);
      expect(refusal(() => open(s.dir))).toBe(`state dir ${s.dir} is in use by ndsim process ${holder.pid}`);
      writeFileSync(join(s.dir, 'lock'), `${stranger.pid}\n`);
      open(s.dir).close();
      const gone = spawnSync('true');
      writeFileSync(join(s.dir, 'lock'), `${gone.pid}\n`);
      open(s.dir);
      expect(readFileSync(join(s.dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      for (const c of [holder, stranger]) if (c.pid) process.kill(c.pid, 'SIGKILL');
      await Promise.all([holder, stranger].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
    }
  });
});

describe('refuseStateInsideMount', () => {
  it('refuses the mountpoint itself, a directory below it, and a symlink into it', () => {
    const mnt = join(root, 'mnt');
    mkdirSync(mnt);
    symlinkSync(mnt, join(root, 'link'));
    for (const state of [mnt, join(mnt, 'state'), join(mnt, 'a/../b'), join(root, 'link/state')]) {
      expect(() => refuseStateInsideMount(state, mnt), state).toThrow(/is inside the mountpoint .* deadlock/);
    }
    expect(() => refuseStateInsideMount(join(root, 'mnt-state'), mnt)).not.toThrow();
    expect(() => refuseStateInsideMount(root, mnt)).not.toThrow();
  });
});

describe('the platform with a state directory', () => {
  it('brings back labels, an fsdax namespace and a staged firmware update after a rebuild', () => {
    const state = open();
    const first = simulation(state);
    expect(initLabelsOnBus0(first.system, first.vfs).written).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const ndctl = new NdctlSession(first.system, first.vfs);
    const ns = ndctl.createNamespace(`${NDBUS0}/region1`, 'fsdax', '674b7ed1-5a1c-4d28-b439-0b076f97e91c', 'bfea0a88-dae8-40eb-8c3d-047f956e36de');
    const dimm = first.system.platform.buses[0]!.dimms[2]!;
    stageFirmware(dimm, first.clock);
    const staged = dimm.firmware.snapshot();
    // Digests: vitest compares big Buffers byte by byte, slowly.
    const digest = (sim: typeof first) => sim.system.platform.dimmSlots.map((d) => createHash('sha256').update(d.labels?.bytes ?? Buffer.alloc(0)).digest('hex'));
    const labels = digest(first);

    const second = simulation(reopen(state));
    expect(digest(second)).toEqual(labels);
    expect(second.system.platform.buses[0]!.dimms[2]!.firmware.snapshot()).toEqual(staged);
    const again = new NdctlSession(second.system, second.vfs);
    expect(again.read(`${ns}/uuid`)).toBe('674b7ed1-5a1c-4d28-b439-0b076f97e91c');
    // The pfn info block was kept with the media: the namespace comes back as
    // fsdax, claimed by a new pfn device as after a reboot (nd_pfn_probe).
    const pfns = second.vfs.readdir(`${NDBUS0}/region1`).filter((n) => /^pfn\d/.test(n));
    const claim = pfns.filter((p) => again.read(`${NDBUS0}/region1/${p}/namespace`) === 'namespace1.0');
    expect(claim.map((p) => again.read(`${NDBUS0}/region1/${p}/uuid`))).toEqual(['bfea0a88-dae8-40eb-8c3d-047f956e36de']);
  });

  it('fails a label write it cannot keep with -EIO and keeps the old bytes', () => {
    const failing: PlatformPersistence = {
      saved: { dimms: new Map(), media: new Map() },
      labelsWritten: () => {
        throw new Error('ENOSPC: no space left on device');
      },
      firmwareChanged: () => undefined,
      timelineChanged: () => undefined,
      mediaPageWritten: () => undefined,
    };
    const sim = simulation(failing);
    // SET_CONFIG_DATA needs nmem0's regions disabled (nd_cmd_clear_to_send).
    for (const r of [0, 1]) disableRegion(sim.vfs, r);
    const before = readConfig(sim.system, 0, 0, 4096, 4096);
    expect(writeConfig(sim.system, 0, 0, Buffer.alloc(4096, 0xee), 4096)).toBe(-ERRNO.EIO);
    expect(readConfig(sim.system, 0, 0, 4096, 4096)).toEqual(before);
  });

  it('keeps firmware state when a DSM call changes it, not on calls that leave it alone', () => {
    const kept: string[] = [];
    const counting: PlatformPersistence = {
      saved: { dimms: new Map(), media: new Map() },
      labelsWritten: () => undefined,
      firmwareChanged: (key, f) => kept.push(`${key} ${f.state}`),
      timelineChanged: (t) => kept.push(`timeline ${t.seq}`),
      mediaPageWritten: () => undefined,
    };
    const clock = new VirtualClock();
    const platform = new NfitPlatform(NFIT_TEST, clock, undefined, counting);
    const dimm = platform.buses[0]!.dimms[0]!;
    const context = stageFirmware(dimm, clock);
    // start, send (the size received), finish, the query that sees the verify done.
    expect(kept).toEqual(['bus0-dimm0x0000 in_progress', 'bus0-dimm0x0000 in_progress', 'bus0-dimm0x0000 verify', 'bus0-dimm0x0000 updated']);
    dimmCall(dimm, INTEL_FN.FW_FINISH_QUERY, build(FW_QUERY, { context }));
    expect(kept).toHaveLength(4);
  });
});
