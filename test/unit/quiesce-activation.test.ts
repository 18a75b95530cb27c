// Activation beyond nfit_test, in-process: capability profiles, per-DIMM
// outcomes, the freeze sequence of a "quiesce" activation and the
// platform's quiesce rules over the machine's tasks and devices, driven
// through the sysfs files as a shell or ndctl would.
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { buildReport } from '../../src/control/report.js';
import type { TraceEvent } from '../../src/trace/tracer.js';
import { errnoOf, makeSimulation, stageFirmware, SysfsClient } from './helpers.js';

const LAB = 'topologies/scenarios/platforms';
const BUS = '/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0';

function lab(name: string) {
  const sim = makeSimulation(`${LAB}/${name}.yaml`);
  const fs = new SysfsClient(sim);
  const dimm = (n: number) => sim.system.dimms[n]!;
  const activate = `${BUS}/firmware/activate`;
  const dimmFile = (n: number, f: 'activate' | 'result') => `${BUS}/nmem${n}/firmware/${f}`;
  /** Stage an image on DIMMs `ns` and arm them, as ndctl update-firmware does. */
  const stageAndArm = (...ns: number[]) => {
    for (const n of ns) {
      stageFirmware(dimm(n).platform, sim.clock);
      expect(fs.write(dimmFile(n, 'activate'), 'arm\0')).toBe(4);
    }
  };
  const results = (...ns: number[]) => ns.map((n) => fs.read(dimmFile(n, 'result')).trim());
  const report = () => buildReport(sim.system, sim.clock);
  return { sim, fs, dimm, activate, dimmFile, stageAndArm, results, report };
}

describe('capability profiles', () => {
  it.each([
    ['lab-quiesce', 'quiesce\n'],
    ['lab-live', 'live\n'],
  ])('%s reads %j', (name, cap) => {
    const { fs } = lab(name);
    expect(fs.read(`${BUS}/firmware/capability`)).toBe(cap);
    expect(fs.read(`${BUS}/firmware/activate`)).toBe('idle\n');
  });

  it('a platform without a quiesce bit hides the firmware/ attributes of the bus and its DIMMs', () => {
    const { sim, fs } = lab('lab-no-capability');
    // The group directories stay, empty, as the QEMU capture shows them.
    expect(sim.vfs.readdir(`${BUS}/firmware`)).toEqual([]);
    expect(sim.vfs.readdir(`${BUS}/nmem0/firmware`)).toEqual([]);
    // The noidle knob belongs to the Intel bus family, which is still there.
    expect(fs.read(`${BUS}/nfit/firmware_activate_noidle`)).toBe('N\n');
  });

  it('businfo reports the per-DIMM quiesce times and overflow past the maximum', () => {
    const { fs, stageAndArm, activate } = lab('lab-quiesce');
    stageAndArm(0, 1, 2);
    expect(fs.read(activate)).toBe('armed\n');
    stageAndArm(3);
    expect(fs.read(activate)).toBe('overflow\n');
  });
});

describe('per-DIMM outcomes', () => {
  it('all five results: success, need_reset, fail, not_staged, and none for a DIMM left out', () => {
    const { fs, sim, stageAndArm, activate, dimmFile, results } = lab('lab-live');
    stageAndArm(0, 1, 2);
    // nmem3 armed without an image: it misses the activation.
    expect(fs.write(dimmFile(3, 'activate'), 'arm\n')).toBe(4);
    expect(fs.write(activate, 'live\n')).toBe(5);
    expect(fs.read(activate)).toBe('busy\n');
    sim.clock.advance(3001);
    expect(fs.read(activate)).toBe('idle\n');
    expect(results(0, 1, 2, 3)).toEqual(['success', 'need_reset', 'fail', 'not_staged']);
    // A later activation without nmem0 leaves it "none".
    stageAndArm(1);
    expect(fs.write(activate, 'live\n')).toBe(5);
    sim.clock.advance(3001);
    expect(results(0, 1)).toEqual(['none', 'need_reset']);
  });
});

describe('a quiesce activation freezes the machine around the activate DSM', () => {
  it('frozen devices ride it out; the RDMA adapter keeps DMA running; a short I/O deadline is missed', () => {
    const { fs, sim, stageAndArm, activate, results, report } = lab('lab-quiesce');
    stageAndArm(0, 1, 3);
    expect(fs.write(activate, 'quiesce\n')).toBe(8);
    sim.clock.advance(3001);
    expect(results(0, 1, 3)).toEqual(['success', 'need_reset', 'success']);
    const r = report();
    const rec = r.buses[0]!.activation!.history[0]!;
    expect(rec).toMatchObject({ frozen: true, statusName: 'success', impact: { quiesceUs: 300000, dmaRunning: ['0000:5e:00.0 mlx5_0'], completionTimeouts: [], missedDeadlines: ['db-writer'] } });
    expect(r.machine.devices.map((d) => [d.frozen, d.dmaDuringQuiesce])).toEqual([
      [false, 0],
      [false, 1],
    ]);
    expect(r.machine.processes.find((p) => p.name === 'db-writer')).toMatchObject({ frozen: false, missedDeadlines: 1, longestStallUs: 300000 });
  });

  it('live on the same platform: nvme0 keeps its DMA and cannot wait 100 ms, so the platform aborts (results fail)', () => {
    const { fs, sim, stageAndArm, activate, results, report, dimmFile } = lab('lab-quiesce');
    stageAndArm(0);
    // The write succeeds: intel_bus_fwa_activate ignores the firmware status.
    expect(fs.write(activate, 'live\n')).toBe(5);
    sim.clock.advance(3001);
    expect(results(0)).toEqual(['fail']);
    expect(report().buses[0]!.activation!.history[0]).toMatchObject({ frozen: false, statusName: 'abort', results: { nmem0: 'abort' } });
    // The image is still staged: arm again and quiesce instead.
    expect(fs.write(dimmFile(0, 'activate'), 'arm\n')).toBe(4);
    expect(fs.write(activate, 'quiesce\n')).toBe(8);
    sim.clock.advance(3001);
    expect(results(0)).toEqual(['success']);
  });

  it('a task that cannot be frozen refuses the quiesce with EBUSY and changes nothing; live goes through', () => {
    const { fs, stageAndArm, activate, dimmFile, report } = lab('lab-stuck-task');
    stageAndArm(0);
    expect(errnoOf(() => fs.write(activate, 'quiesce\n'))).toBe(ERRNO.EBUSY);
    expect(fs.read(activate)).toBe('armed\n');
    expect(fs.read(dimmFile(0, 'activate'))).toBe('armed\n');
    expect(report().buses[0]!.activation!.history).toEqual([]);
    expect(report().machine.processes.every((p) => !p.frozen)).toBe(true);
    // The override: no freeze, and here no device that cannot ride out 100 ms.
    expect(fs.write(activate, 'live\n')).toBe(5);
    expect(report().buses[0]!.activation!.history[0]).toMatchObject({ frozen: false, statusName: 'success' });
  });

  it('hibernation held elsewhere (hibernate_acquire) refuses with EBUSY before anything freezes', () => {
    const { fs, sim, stageAndArm, activate } = lab('lab-quiesce');
    sim.system.platform.machine.hibernationBusy = true;
    stageAndArm(0);
    const seen: TraceEvent[] = [];
    sim.tracer.subscribe((e) => seen.push(e));
    expect(errnoOf(() => fs.write(activate, 'quiesce\n'))).toBe(ERRNO.EBUSY);
    expect(seen.filter((e) => e.kind === 'quiesce').map((e) => e.text)).toEqual(['hibernate_acquire: -EBUSY, unwinding']);
  });

  it('a device whose freeze callback fails aborts with its errno; the devices frozen so far are thawed', () => {
    const { fs, sim, stageAndArm, activate, report } = lab('lab-quiesce');
    const nvme = sim.system.platform.machine.devices[0]!;
    Object.assign(nvme, { spec: { ...nvme.spec, freeze: 'fails', freezeErrno: 'EIO' } });
    stageAndArm(0);
    expect(errnoOf(() => fs.write(activate, 'quiesce\n'))).toBe(ERRNO.EIO);
    const r = report();
    expect(r.machine.devices.map((d) => d.frozen)).toEqual([false, false]);
    expect(r.machine.devices[0]!.freezeFailures).toBe(1);
    expect(r.machine.processes.every((p) => !p.frozen)).toBe(true);
    expect(fs.read(activate)).toBe('armed\n');
  });

  it('the freeze runs in hibernate_quiet_exec order and unwinds in reverse', () => {
    const { fs, sim, stageAndArm, activate } = lab('lab-quiesce');
    stageAndArm(0);
    const texts: string[] = [];
    sim.tracer.subscribe((e) => {
      if (e.kind === 'quiesce') texts.push(e.text);
    });
    fs.write(activate, 'quiesce\n');
    const done = texts.flatMap((t) => /^(.+): ok$/.exec(t)?.[1] ?? []);
    expect(done).toEqual([
      'hibernate_acquire',
      'pm_prepare_console',
      'PM_HIBERNATION_PREPARE notifiers',
      'freeze_processes',
      'lock_device_hotplug',
      'platform_begin',
      'freeze_kernel_threads',
      'dpm_prepare(PMSG_FREEZE)',
      'suspend_console',
      'dpm_suspend(PMSG_FREEZE)',
      'dpm_suspend_end(PMSG_FREEZE)',
      'platform_pre_snapshot',
    ]);
    const after = texts.slice(texts.indexOf('run: firmware activate') + 1).filter((t) => !t.includes(':'));
    expect(after).toEqual([
      'platform_finish',
      'dpm_resume_start(PMSG_THAW)',
      'dpm_resume(PMSG_THAW)',
      'resume_console',
      'dpm_complete(PMSG_THAW)',
      'thaw_kernel_threads',
      'platform_end',
      'unlock_device_hotplug',
      'thaw_processes',
      'PM_POST_HIBERNATION notifiers',
      'pm_restore_console',
      'hibernate_release',
    ]);
  });

  it('a platform that proceeds past completion timeouts: the RDMA adapter takes one, the DIMMs activate', () => {
    const { fs, sim, stageAndArm, activate, results, report } = lab('lab-rdma-proceed');
    stageAndArm(0);
    expect(fs.write(activate, 'quiesce\n')).toBe(8);
    sim.clock.advance(3001);
    expect(results(0)).toEqual(['success']);
    const r = report();
    expect(r.machine.devices[1]).toMatchObject({ dmaDuringQuiesce: 1, completionTimeouts: 1 });
    expect(r.buses[0]!.activation!.history[0]!.impact).toMatchObject({ completionTimeouts: ['0000:5e:00.0 mlx5_0'] });
  });

  it('a platform that refuses OS-idle answers NOIDLE: nothing activates, the DIMMs stay armed', () => {
    const sim = makeSimulation(`${LAB}/lab-live.yaml`);
    const spec = sim.system.buses[0]!.platform.activation!.spec;
    Object.assign(spec, { noidle: false });
    const fs = new SysfsClient(sim);
    stageFirmware(sim.system.dimms[0]!.platform, sim.clock);
    fs.write(`${BUS}/nmem0/firmware/activate`, 'arm\n');
    fs.write(`${BUS}/nfit/firmware_activate_noidle`, '1\n');
    expect(fs.write(`${BUS}/firmware/activate`, 'live\n')).toBe(5);
    expect(fs.read(`${BUS}/nmem0/firmware/activate`)).toBe('armed\n');
    expect(buildReport(sim.system, sim.clock).buses[0]!.activation!.history[0]).toMatchObject({ iodevState: 'os_idle', statusName: 'noidle' });
  });

  it('is recorded as frozen on a machine with nothing declared to freeze (nfit_test)', () => {
    const sim = makeSimulation();
    const fs = new SysfsClient(sim);
    stageFirmware(sim.system.dimms[0]!.platform, sim.clock);
    fs.write('/sys/devices/platform/nfit_test.0/ndbus0/nmem0/firmware/activate', 'arm\n');
    expect(fs.write('/sys/devices/platform/nfit_test.0/ndbus0/firmware/activate', 'quiesce\n')).toBe(8);
    expect(buildReport(sim.system, sim.clock).buses[0]!.activation!.history[0]).toMatchObject({ frozen: true, statusName: 'success', impact: { frozen: [] } });
  });
});
