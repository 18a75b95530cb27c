// The firmware-activation sysfs files through the in-process vfs, checked
// against the real-kernel walk in shared/oracle/nfit_test (commands.log,
// fw-states.txt and the 16*-22* step outputs). Values are written as the
// shell writes them ("value\n") and as sysw does (value plus its NUL).
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { NDBUS0, nmemPath, makeSimulation, O_RDONLY, O_RDWR, O_WRONLY, SysfsClient, stageFirmware } from './helpers.js';

const BUS_ACTIVATE = `${NDBUS0}/firmware/activate`;
const BUS_CAPABILITY = `${NDBUS0}/firmware/capability`;
const NOIDLE = `${NDBUS0}/nfit/firmware_activate_noidle`;
const dimmActivate = (n: number) => `${nmemPath(n)}/firmware/activate`;
const dimmResult = (n: number) => `${nmemPath(n)}/firmware/result`;
const sh = (v: string) => `${v}\n`;
const sysw = (v: string) => `${v}\0`;

let sim: ReturnType<typeof makeSimulation>;
let fs: SysfsClient;

beforeEach(() => {
  sim = makeSimulation();
  fs = new SysfsClient(sim);
});

const pdimm = (n: number) => sim.system.dimms[n]!.platform;

/** One fw-states.txt line for bus 0, in the oracle's format. */
function fwStates(): string {
  const parts = [`ndbus0/activate=${fs.read(BUS_ACTIVATE).trim()}`, `ndbus0/capability=${fs.read(BUS_CAPABILITY).trim()}`, `ndbus0/firmware_activate_noidle=${fs.read(NOIDLE).trim()}`];
  for (let n = 0; n < 4; n++) parts.push(`nmem${n}/activate=${fs.read(dimmActivate(n)).trim()}`, `nmem${n}/result=${fs.read(dimmResult(n)).trim()}`);
  return parts.join(' ');
}

/** The state of the oracle walk at step 17b: nmem0-2 staged, all four armed (overflow). */
function reachOverflow(): void {
  for (let n = 0; n < 3; n++) stageFirmware(pdimm(n), sim.clock);
  for (let n = 0; n < 4; n++) expect(fs.write(dimmActivate(n), sh('arm'))).toBe(4);
}

describe('initial state (fw-states 10-initial)', () => {
  it('reads idle/quiesce/N and idle/none for every DIMM', () => {
    expect(fwStates()).toBe(
      'ndbus0/activate=idle ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
        'nmem0/activate=idle nmem0/result=none nmem1/activate=idle nmem1/result=none ' +
        'nmem2/activate=idle nmem2/result=none nmem3/activate=idle nmem3/result=none',
    );
  });

  it('has the oracle modes: 0600 activate, 0444 capability, 0400 result, 0644 noidle', () => {
    expect(sim.vfs.getattr(BUS_ACTIVATE).mode & 0o7777).toBe(0o600);
    expect(sim.vfs.getattr(BUS_CAPABILITY).mode & 0o7777).toBe(0o444);
    expect(sim.vfs.getattr(dimmActivate(0)).mode & 0o7777).toBe(0o600);
    expect(sim.vfs.getattr(dimmResult(0)).mode & 0o7777).toBe(0o400);
    expect(sim.vfs.getattr(NOIDLE).mode & 0o7777).toBe(0o644);
  });
});

describe('valid arm/disarm writes (steps 16-17b)', () => {
  beforeEach(reachOverflow);

  it('reads overflow with four DIMMs armed', () => {
    expect(fs.read(BUS_ACTIVATE)).toBe('overflow\n');
    for (let n = 0; n < 4; n++) expect(fs.read(dimmActivate(n))).toBe('armed\n');
  });

  it('disarm returns the full count, and again on an idle DIMM ("disarm\\0" → 7)', () => {
    expect(fs.write(dimmActivate(3), sh('disarm'))).toBe(7);
    expect(fs.read(BUS_ACTIVATE)).toBe('armed\n');
    expect(fs.read(dimmActivate(3))).toBe('idle\n');
    expect(fs.write(dimmActivate(3), sysw('disarm'))).toBe(7);
    expect(fs.read(dimmActivate(3))).toBe('idle\n');
  });

  it('arm returns the full count, and again on an armed DIMM ("arm\\0" → 4)', () => {
    fs.write(dimmActivate(3), sh('disarm'));
    expect(fs.write(dimmActivate(3), sh('arm'))).toBe(4);
    expect(fs.read(BUS_ACTIVATE)).toBe('overflow\n');
    expect(fs.write(dimmActivate(3), sysw('arm'))).toBe(4);
    expect(fs.read(dimmActivate(3))).toBe('armed\n');
  });
});

describe('invalid writes (steps 18-*)', () => {
  beforeEach(reachOverflow);

  const overflowState =
    'ndbus0/activate=overflow ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
    'nmem0/activate=armed nmem0/result=none nmem1/activate=armed nmem1/result=none ' +
    'nmem2/activate=armed nmem2/result=none nmem3/activate=armed nmem3/result=none';

  it.each([
    ['bogus (sh)', sh('bogus')],
    ['Live (sh)', sh('Live')],
    ['suspend (sh)', sh('suspend')],
    ['empty (sh)', sh('')],
    ['idle (sh)', sh('idle')],
    ['armed (sh)', sh('armed')],
    ['bogus (sysw)', sysw('bogus')],
    ['empty (sysw)', sysw('')],
    ['"live " (sysw)', sysw('live ')],
  ])('bus firmware/activate rejects %s with EINVAL and changes nothing', (_name, value) => {
    expect(fs.writeErrno(BUS_ACTIVATE, value)).toBe(ERRNO.EINVAL);
    expect(fwStates()).toBe(overflowState);
    expect(pdimm(0).firmware.lastActivate).toBe(0);
  });

  it.each([
    ['bogus (sh)', sh('bogus')],
    ['Arm (sh)', sh('Arm')],
    ['armed (sh)', sh('armed')],
    ['empty (sh)', sh('')],
    ['idle (sh)', sh('idle')],
    ['bogus (sysw)', sysw('bogus')],
  ])('nmem0 firmware/activate rejects %s with EINVAL and changes nothing', (_name, value) => {
    expect(fs.writeErrno(dimmActivate(0), value)).toBe(ERRNO.EINVAL);
    expect(fwStates()).toBe(overflowState);
  });

  it('refuses to open firmware/capability and nmem firmware/result for writing (EACCES)', () => {
    for (const flags of [O_WRONLY, O_RDWR]) {
      expect(() => sim.vfs.open(BUS_CAPABILITY, flags)).toThrow(expect.objectContaining({ errno: ERRNO.EACCES }));
      expect(() => sim.vfs.open(dimmResult(0), flags)).toThrow(expect.objectContaining({ errno: ERRNO.EACCES }));
    }
    expect(fs.writeErrno(BUS_CAPABILITY, sh('live'))).toBe(ERRNO.EACCES);
    expect(fs.writeErrno(dimmResult(0), sysw('none'))).toBe(ERRNO.EACCES);
  });

  it('noidle: "bogus" is EINVAL, "Y\\0" and "N\\0" are accepted with the full count', () => {
    expect(fs.writeErrno(NOIDLE, sysw('bogus'))).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(NOIDLE, sh('bogus'))).toBe(ERRNO.EINVAL);
    expect(fs.read(NOIDLE)).toBe('N\n');
    expect(fs.write(NOIDLE, sysw('Y'))).toBe(2);
    expect(fs.read(NOIDLE)).toBe('Y\n');
    // fw-states 18-after-noidle-Y: everything else unchanged.
    expect(fwStates()).toBe(overflowState.replace('noidle=N', 'noidle=Y'));
    expect(fs.write(NOIDLE, sysw('N'))).toBe(2);
    expect(fwStates()).toBe(overflowState);
  });

  it('a zero-length write never reaches store()', () => {
    const h = sim.vfs.open(BUS_ACTIVATE, O_WRONLY);
    expect(sim.vfs.write(h, Buffer.alloc(0))).toBe(0);
    sim.vfs.release(h);
    expect(fwStates()).toBe(overflowState);
  });
});

describe('activation and the busy window (steps 19-23)', () => {
  beforeEach(() => {
    reachOverflow();
    // 19: disarm nmem3, leaving the three staged DIMMs armed.
    expect(fs.write(dimmActivate(3), sh('disarm'))).toBe(7);
  });

  it('live activates; everything reads busy with no result for 3 s', () => {
    expect(fs.write(BUS_ACTIVATE, sh('live'))).toBe(5);
    expect(fwStates()).toBe(
      'ndbus0/activate=busy ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
        'nmem0/activate=busy nmem0/result=none nmem1/activate=busy nmem1/result=none ' +
        'nmem2/activate=busy nmem2/result=none nmem3/activate=busy nmem3/result=none',
    );
  });

  it('arm while busy fails EBUSY (20b), live while busy fails EBUSY (20c)', () => {
    fs.write(BUS_ACTIVATE, sh('live'));
    expect(fs.writeErrno(dimmActivate(3), sh('arm'))).toBe(ERRNO.EBUSY);
    expect(fs.writeErrno(dimmActivate(3), sysw('arm'))).toBe(ERRNO.EBUSY);
    expect(fs.writeErrno(BUS_ACTIVATE, sh('live'))).toBe(ERRNO.EBUSY);
    expect(fs.writeErrno(BUS_ACTIVATE, sysw('live'))).toBe(ERRNO.EBUSY);
    expect(fs.writeErrno(BUS_ACTIVATE, sysw('quiesce'))).toBe(ERRNO.EBUSY);
    // Still busy at exactly 3 s.
    sim.clock.advance(3000);
    expect(fs.writeErrno(BUS_ACTIVATE, sysw('live'))).toBe(ERRNO.EBUSY);
    expect(pdimm(3).firmware.armed).toBe(false);
  });

  it('after 4 s: idle, success for the activated DIMMs, none for nmem3 (21-after-4s)', () => {
    fs.write(BUS_ACTIVATE, sh('live'));
    fwStates(); // the capture read everything right after the write (20-immediately-after-live)
    sim.clock.advance(4000);
    expect(fwStates()).toBe(
      'ndbus0/activate=idle ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
        'nmem0/activate=idle nmem0/result=success nmem1/activate=idle nmem1/result=success ' +
        'nmem2/activate=idle nmem2/result=success nmem3/activate=idle nmem3/result=none',
    );
  });

  it('live and quiesce while idle fail ENXIO (21b, 21c) and change nothing', () => {
    fs.write(BUS_ACTIVATE, sh('live'));
    sim.clock.advance(4000);
    const before = fwStates();
    expect(fs.writeErrno(BUS_ACTIVATE, sh('live'))).toBe(ERRNO.ENXIO);
    expect(fs.writeErrno(BUS_ACTIVATE, sysw('live'))).toBe(ERRNO.ENXIO);
    expect(fs.writeErrno(BUS_ACTIVATE, sysw('quiesce'))).toBe(ERRNO.ENXIO);
    expect(fwStates()).toBe(before);
  });

  it('arming an unstaged DIMM is accepted and ends not_staged (22-23)', () => {
    fs.write(BUS_ACTIVATE, sh('live'));
    sim.clock.advance(4000);
    fwStates();
    expect(fs.write(dimmActivate(0), sh('arm'))).toBe(4);
    expect(fwStates()).toBe(
      'ndbus0/activate=armed ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
        'nmem0/activate=armed nmem0/result=none nmem1/activate=idle nmem1/result=success ' +
        'nmem2/activate=idle nmem2/result=success nmem3/activate=idle nmem3/result=none',
    );
    expect(fs.write(BUS_ACTIVATE, sh('live'))).toBe(5);
    sim.clock.advance(4000);
    expect(fwStates()).toBe(
      'ndbus0/activate=idle ndbus0/capability=quiesce ndbus0/firmware_activate_noidle=N ' +
        'nmem0/activate=idle nmem0/result=not_staged nmem1/activate=idle nmem1/result=none ' +
        'nmem2/activate=idle nmem2/result=none nmem3/activate=idle nmem3/result=none',
    );
  });

  it('quiesce activates like live and returns the full count', () => {
    expect(fs.write(BUS_ACTIVATE, sysw('quiesce'))).toBe(8);
    expect(fs.read(BUS_ACTIVATE)).toBe('busy\n');
  });

  it('live in overflow still activates (the TMO status is ignored)', () => {
    fs.write(dimmActivate(3), sh('arm'));
    expect(fs.read(BUS_ACTIVATE)).toBe('overflow\n');
    expect(fs.write(BUS_ACTIVATE, sysw('live'))).toBe(5);
    expect(fs.read(BUS_ACTIVATE)).toBe('busy\n');
    sim.clock.advance(4000);
    for (let n = 0; n < 3; n++) expect(fs.read(dimmResult(n))).toBe('success\n');
    // nmem3 was armed without a staged image.
    expect(fs.read(dimmResult(3))).toBe('not_staged\n');
  });
});

describe('file semantics', () => {
  it('0200 files fail EACCES when opened for reading, and accept writes', () => {
    const lockDimm = '/sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0/lock_dimm';
    for (const path of [lockDimm, '/sys/bus/nd/drivers/nvdimm/bind', '/sys/bus/nd/drivers/nd_bus/uevent']) {
      expect(sim.vfs.getattr(path).mode & 0o7777).toBe(0o200);
      expect(fs.readErrno(path)).toBe(ERRNO.EACCES);
      expect(() => sim.vfs.open(path, O_RDWR)).toThrow(expect.objectContaining({ errno: ERRNO.EACCES }));
    }
    expect(fs.write(lockDimm, sh('1'))).toBe(2);
  });

  it('a read at offset 0 re-runs show; a later offset reads the same snapshot', () => {
    const h = sim.vfs.open(BUS_ACTIVATE, O_RDONLY);
    expect(sim.vfs.read(h, 4096, 0).toString()).toBe('idle\n');
    fs.write(dimmActivate(0), sh('arm'));
    // Continuing the same open file: the old snapshot.
    expect(sim.vfs.read(h, 4096, 2).toString()).toBe('le\n');
    expect(sim.vfs.read(h, 4096, 5).length).toBe(0);
    // Back at offset 0: show() runs again.
    expect(sim.vfs.read(h, 2, 0).toString()).toBe('ar');
    fs.write(dimmActivate(0), sh('disarm'));
    expect(sim.vfs.read(h, 4096, 2).toString()).toBe('med\n');
    sim.vfs.release(h);
  });

  it('a first read at a non-zero offset runs show', () => {
    const h = sim.vfs.open(dimmActivate(1), O_RDONLY);
    expect(sim.vfs.read(h, 4096, 1).toString()).toBe('dle\n');
    sim.vfs.release(h);
  });

  it('each read of a fresh open sees the current state', () => {
    expect(fs.read(dimmActivate(2))).toBe('idle\n');
    fs.write(dimmActivate(2), sysw('arm'));
    expect(fs.read(dimmActivate(2))).toBe('armed\n');
  });

  it('nfit_test.1 has empty firmware directories and no noidle file', () => {
    const bus1 = '/sys/devices/platform/nfit_test.1/ndbus1';
    expect(sim.vfs.readdir(`${bus1}/firmware`)).toEqual([]);
    expect(sim.vfs.readdir(`${bus1}/nmem4/firmware`)).toEqual([]);
    expect(fs.readErrno(`${bus1}/nfit/firmware_activate_noidle`)).toBe(ERRNO.ENOENT);
  });
});
