// The firmware-update flow that ndctl v76.1's own test/firmware-update.sh
// checks (reset the labels, wait for the scrub, update all four DIMMs of
// nfit_test.0 so that the fourth overflows, force-arm it, disarm all, re-arm
// all, activate), driven here with the unmodified ndctl and checked the way
// that script checks it; on the virtual clock with instant verify, so no
// step waits for real time.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FwWalk } from '../integration/fw-walk.js';
import { writeInstantVerifyTopology } from './instant-verify.js';
import { startSimulation, type Simulation } from './sandbox.js';

interface DimmJson {
  dev: string;
  firmware?: { activate_state?: string };
}
interface BusJson {
  firmware?: { activate_method?: string; activate_state?: string };
  dimms?: DimmJson[];
}

describe('firmware update flow of ndctl test/firmware-update.sh', () => {
  let sim: Simulation;
  let dir: string;
  let image: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ndsim-fwflow-'));
    image = join(dir, 'update-fw.img');
    await writeFile(image, '');
    await truncate(image, 196608);
    sim = await startSimulation('namespace', await writeInstantVerifyTopology(dir));
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function ndctl<T>(...args: string[]): Promise<T> {
    const r = await sim.run(['ndctl', ...args]);
    if (r.rc !== 0) throw new Error(`ndctl ${args.join(' ')}: exit ${r.rc}\n${r.stderr}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : null) as T;
  }
  const states = (dimms: DimmJson[]) => dimms.map((d) => d.firmware?.activate_state);
  const count = (dimms: DimmJson[], state: string) => states(dimms).filter((s) => s === state).length;

  it('stages, arms up to the quiesce budget, overflows, disarms, re-arms and activates', async () => {
    // reset(): disable-region, init-labels -f, enable-region.
    expect((await sim.run(['modprobe', 'nfit_test'])).rc).toBe(0);
    await ndctl('disable-region', '-b', 'nfit_test.0', 'all');
    await ndctl('init-labels', '-f', '-b', 'nfit_test.0', 'all');
    await ndctl('enable-region', '-b', 'nfit_test.0', 'all');

    // detect(): the scrub ends, the method is "suspend", four DIMMs are enabled.
    await new FwWalk(sim.daemon.mnt).advance(1000);
    await ndctl('wait-scrub', 'nfit_test.0');
    expect((await ndctl<BusJson[]>('list', '-b', 'nfit_test.0', '-F'))[0]?.firmware?.activate_method).toBe('suspend');
    expect(await ndctl<DimmJson[]>('list', '-b', 'nfit_test.0', '-D')).toHaveLength(4);

    // All four staged; arming the fourth trips overflow and ndctl backs it out.
    const updated = await ndctl<DimmJson[]>('update-firmware', '-b', 'nfit_test.0', '-f', image, 'all');
    expect([count(updated, 'armed'), count(updated, 'idle')]).toEqual([3, 1]);
    const idle = updated.find((d) => d.firmware?.activate_state === 'idle')!.dev;
    expect(states(await ndctl<DimmJson[]>('update-firmware', '-b', 'nfit_test.0', idle, '-A', '--force'))).toEqual(['armed']);
    expect((await ndctl<BusJson[]>('list', '-b', 'nfit_test.0', '-F'))[0]?.firmware?.activate_state).toBe('overflow');

    expect(count(await ndctl<DimmJson[]>('update-firmware', '-b', 'nfit_test.0', '-D', 'all'), 'idle')).toBe(4);
    expect((await ndctl<BusJson[]>('list', '-b', 'nfit_test.0', '-F'))[0]?.firmware?.activate_state).toBe('idle');
    expect(count(await ndctl<DimmJson[]>('update-firmware', '-b', 'nfit_test.0', '-A', '--force', 'all'), 'armed')).toBe(4);

    // Activation via suspend: nfit_test reports every DIMM busy for 3 s after.
    const activated = await ndctl<BusJson[]>('activate-firmware', '-v', 'nfit_test.0');
    expect(states(activated[0]?.dimms ?? [])).toEqual(['busy', 'busy', 'busy', 'busy']);

    // _cleanup(): disabling regions on both buses, then "unloading" the module.
    await ndctl('disable-region', '-b', 'nfit_test.0', 'all');
    await ndctl('disable-region', '-b', 'nfit_test.1', 'all');
    expect((await sim.run(['modprobe', '-r', 'nfit_test'])).rc).toBe(0);
  });
});
