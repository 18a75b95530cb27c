// The simulated platform's DSM engine, driven with encoded payloads as the
// kernel sends them: nfit_test's firmware-update state machine
// (tools/testing/nvdimm/test/nfit.c nd_intel_test_*), its bus activation
// rules (nvdimm_bus_intel_fw_activate*), and the ctl-level failures.
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import {
  ARM,
  BUS_ACTIVATE,
  BUS_FWA_STATUS,
  BUSINFO,
  DIMMINFO,
  FW_FINISH,
  FW_INFO,
  FW_QUERY,
  FW_SEND_HEADER,
  FW_START,
  FWA_RESULT,
  FWA_STATE,
  INTEL_BUS_FN,
  INTEL_FN,
} from '../../src/platform/intel-payloads.js';
import { NVDIMM_BUS_FAMILY_INTEL, NVDIMM_FAMILY_INTEL, type PlatformBus, type PlatformDimm } from '../../src/platform/nfit-platform.js';
import { build, decode, type Decoded, type Fields, type Layout } from '../../src/platform/payload.js';
import type { VirtualClock } from '../../src/clock/clock.js';
import { dimmCall, makePlatform, sendPayload, sendStatus, stageFirmware } from './helpers.js';

const FAKE_VERSION = 0xffff_ffff_abcdn;

let clock: VirtualClock;
let bus: PlatformBus;
let dimms: PlatformDimm[];
let d0: PlatformDimm;

beforeEach(() => {
  const t = makePlatform();
  clock = t.clock;
  bus = t.platform.buses[0]!;
  dimms = bus.dimms;
  d0 = dimms[0]!;
});

function call<F extends Fields>(dimm: PlatformDimm, fn: number, layout: Layout<F>, values: Partial<Decoded<F>> = {}) {
  return decode(layout, dimmCall(dimm, fn, build(layout, values)));
}
const getInfo = (d: PlatformDimm) => call(d, INTEL_FN.FW_GET_INFO, FW_INFO);
const start = (d: PlatformDimm) => call(d, INTEL_FN.FW_START_UPDATE, FW_START);
const finish = (d: PlatformDimm, ctrlFlags: number, context: number) => call(d, INTEL_FN.FW_FINISH_UPDATE, FW_FINISH, { ctrlFlags, context });
const query = (d: PlatformDimm, context: number) => call(d, INTEL_FN.FW_FINISH_QUERY, FW_QUERY, { context });
function send(d: PlatformDimm, context: number, offset: number, length: number): number {
  return sendStatus(dimmCall(d, INTEL_FN.FW_SEND_DATA, sendPayload(context, offset, length)));
}
const dimmInfo = (d: PlatformDimm) => call(d, INTEL_FN.FW_ACTIVATE_DIMMINFO, DIMMINFO);
const arm = (d: PlatformDimm, activateArm: number) => call(d, INTEL_FN.FW_ACTIVATE_ARM, ARM, { activateArm });

function busCall<F extends Fields>(fn: number, layout: Layout<F>, values: Partial<Decoded<F>> = {}) {
  const p = build(layout, values);
  expect(bus.call(NVDIMM_BUS_FAMILY_INTEL, fn, p)).toBe(0);
  return decode(layout, p);
}
const businfo = () => busCall(INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, BUSINFO);
const activate = (iodevState = 0) => busCall(INTEL_BUS_FN.FW_ACTIVATE, BUS_ACTIVATE, { iodevState }).status;

describe('firmware update: get-info (function 12)', () => {
  it('reports nfit_test constants and no staged image at first', () => {
    // Pre-fill with garbage: every reported field must be written.
    const p = Buffer.alloc(FW_INFO.size, 0xa5);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, p)).toBe(0);
    expect(decode(FW_INFO, p)).toEqual({
      status: 0,
      storageSize: 0x100000,
      maxSendLen: 0xffec,
      queryInterval: 250000,
      maxQueryTime: 3000000,
      updateCap: 0,
      fisVersion: 0x0105,
      runVersion: 0n,
      updatedVersion: 0n,
    });
  });

  it('reports updated_version 0xffffffffabcd once an update verified, and keeps it after activation', () => {
    const ctx = start(d0).context;
    expect(send(d0, ctx, 0, 0x1000)).toBe(0);
    expect(finish(d0, 0, ctx).status).toBe(0);
    // Finished but not yet verified: still nothing staged.
    expect(getInfo(d0).updatedVersion).toBe(0n);
    clock.advance(1000);
    expect(query(d0, ctx).status).toBe(0);
    expect(getInfo(d0).updatedVersion).toBe(FAKE_VERSION);
    expect(getInfo(d0).runVersion).toBe(0n);

    // Activation returns the image to NEW but never resets the version.
    arm(d0, 1);
    expect(activate()).toBe(0);
    expect(d0.firmware.state).toBe('new');
    expect(getInfo(d0).updatedVersion).toBe(FAKE_VERSION);
    expect(getInfo(d0).runVersion).toBe(0n);
  });

  it('fails a buffer shorter than the structure with -EINVAL', () => {
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, Buffer.alloc(FW_INFO.size - 1))).toBe(-ERRNO.EINVAL);
  });
});

describe('firmware update: start (function 13)', () => {
  it('issues context 1 first and refuses a second start while one is in progress', () => {
    expect(start(d0)).toEqual({ status: 0, context: 1 });
    expect(d0.firmware.state).toBe('in_progress');
    expect(start(d0).status).toBe(0x10007);
    expect(d0.firmware.context).toBe(1);
  });

  it('leaves the context field alone when busy, as nfit_test writes only the status', () => {
    start(d0);
    const p = build(FW_START, { status: 0xdead, context: 0x1234 });
    dimmCall(d0, INTEL_FN.FW_START_UPDATE, p);
    expect(decode(FW_START, p)).toEqual({ status: 0x10007, context: 0x1234 });
  });

  it('hands out the next context after an abort', () => {
    const first = start(d0).context;
    expect(finish(d0, 1, first).status).toBe(0x40007);
    expect(start(d0)).toEqual({ status: 0, context: first + 1 });
  });

  it('refuses to start over an UPDATED image until it is activated', () => {
    stageFirmware(d0, clock);
    expect(start(d0).status).toBe(0x10007);
  });

  it('contexts are per DIMM', () => {
    expect(start(d0).context).toBe(1);
    expect(start(dimms[1]!).context).toBe(1);
  });
});

describe('firmware update: send data (function 14)', () => {
  it('answers 5 (retry) when no update is in progress', () => {
    expect(send(d0, 0, 0, 16)).toBe(5);
    // ...even with what would be the right context after a start.
    const ctx = start(d0).context;
    finish(d0, 1, ctx);
    expect(send(d0, ctx, 0, 16)).toBe(5);
  });

  it('answers 0x10007 for a bad context', () => {
    const ctx = start(d0).context;
    expect(send(d0, ctx + 1, 0, 16)).toBe(0x10007);
  });

  it('answers 3 for a boundary violation, 0 when the chunk fits', () => {
    const ctx = start(d0).context;
    expect(send(d0, ctx, 0, 0xffec)).toBe(0);
    expect(send(d0, ctx, 0, 0xffed)).toBe(3); // longer than max_send_len
    expect(send(d0, ctx, 0x100000 - 16, 16)).toBe(0); // ends exactly at the storage size
    expect(send(d0, ctx, 0x100000 - 16, 17)).toBe(3); // one byte past it
    expect(d0.firmware.sizeReceived).toBe(0xffec + 16);
  });

  it('adds offset and length in u32 arithmetic, as nfit_test does', () => {
    const ctx = start(d0).context;
    // 0xfffff000 + 0x1000 wraps to 0, which is not past the storage size.
    expect(send(d0, ctx, 0xffff_f000, 0x1000)).toBe(0);
    expect(send(d0, ctx, 0xffff_f000, 0x0fff)).toBe(3);
  });

  it('writes the status right after data[length]', () => {
    const ctx = start(d0).context;
    const p = sendPayload(ctx, 0, 8);
    p.fill(0xee, FW_SEND_HEADER.size + 8);
    dimmCall(d0, INTEL_FN.FW_SEND_DATA, p);
    expect(p.readUInt32LE(FW_SEND_HEADER.size + 8)).toBe(0);
  });

  it('fails -EINVAL for a payload shorter than the header', () => {
    start(d0);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_SEND_DATA, Buffer.alloc(FW_SEND_HEADER.size - 1))).toBe(-ERRNO.EINVAL);
  });

  it('fails -EINVAL for a payload too short to hold the trailing status, without counting the data', () => {
    const ctx = start(d0).context;
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_SEND_DATA, sendPayload(ctx, 0, 16, 3))).toBe(-ERRNO.EINVAL);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_SEND_DATA, sendPayload(ctx, 0, 16, 0))).toBe(-ERRNO.EINVAL);
    expect(d0.firmware.sizeReceived).toBe(0);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_SEND_DATA, sendPayload(ctx, 0, 16, 4))).toBe(0);
    expect(d0.firmware.sizeReceived).toBe(16);
  });
});

describe('firmware update: finish (function 15)', () => {
  it('finish moves to VERIFY with status 0', () => {
    const ctx = start(d0).context;
    send(d0, ctx, 0, 64);
    expect(finish(d0, 0, ctx).status).toBe(0);
    expect(d0.firmware.state).toBe('verify');
  });

  it('answers 0x10007 for a bad context and stays in progress', () => {
    const ctx = start(d0).context;
    expect(finish(d0, 0, ctx + 1).status).toBe(0x10007);
    expect(d0.firmware.state).toBe('in_progress');
  });

  it('abort answers 0x40007 and returns to NEW, dropping the received bytes', () => {
    const ctx = start(d0).context;
    send(d0, ctx, 0, 64);
    expect(finish(d0, 1, ctx).status).toBe(0x40007);
    expect(d0.firmware.state).toBe('new');
    expect(d0.firmware.sizeReceived).toBe(0);
  });

  it('answers 0x20007 on an UPDATED image, whatever the flags', () => {
    const ctx = stageFirmware(d0, clock);
    expect(finish(d0, 0, ctx).status).toBe(0x20007);
    expect(finish(d0, 1, ctx).status).toBe(0x20007);
    expect(finish(d0, 7, ctx).status).toBe(0x20007);
    expect(d0.firmware.state).toBe('updated');
  });

  it('fails an unknown control flag with -EINVAL and leaves the status untouched', () => {
    const ctx = start(d0).context;
    const p = build(FW_FINISH, { ctrlFlags: 2, context: ctx, status: 0x5555 });
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_FINISH_UPDATE, p)).toBe(-ERRNO.EINVAL);
    expect(decode(FW_FINISH, p).status).toBe(0x5555);
    expect(d0.firmware.state).toBe('in_progress');
  });
});

describe('firmware update: finish query (function 16)', () => {
  it('answers 0x20007 until the 1 s verify deadline, then 0 with the new revision', () => {
    const ctx = start(d0).context;
    send(d0, ctx, 0, 64);
    finish(d0, 0, ctx);
    expect(query(d0, ctx)).toEqual({ context: ctx, status: 0x20007, updatedFwRev: 0n });
    clock.advance(999);
    expect(query(d0, ctx).status).toBe(0x20007);
    expect(d0.firmware.state).toBe('verify');
    clock.advance(1);
    expect(query(d0, ctx)).toEqual({ context: ctx, status: 0, updatedFwRev: FAKE_VERSION });
    expect(d0.firmware.state).toBe('updated');
    // UPDATED keeps answering the same.
    expect(query(d0, ctx)).toEqual({ context: ctx, status: 0, updatedFwRev: FAKE_VERSION });
  });

  it('answers 0x40007 (sequencing error) while the image is still being sent', () => {
    const ctx = start(d0).context;
    expect(query(d0, ctx)).toEqual({ context: ctx, status: 0x40007, updatedFwRev: 0n });
  });

  it('answers 0 with revision 0 in NEW', () => {
    const ctx = start(d0).context;
    finish(d0, 1, ctx);
    expect(query(d0, ctx)).toEqual({ context: ctx, status: 0, updatedFwRev: 0n });
  });

  it('answers 0x10007 for a bad context without touching updated_fw_rev', () => {
    const ctx = start(d0).context;
    const p = build(FW_QUERY, { context: ctx + 1, updatedFwRev: 0x77n });
    dimmCall(d0, INTEL_FN.FW_FINISH_QUERY, p);
    expect(decode(FW_QUERY, p)).toEqual({ context: ctx + 1, status: 0x10007, updatedFwRev: 0x77n });
  });

  it('fails a short buffer with -EINVAL', () => {
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_FINISH_QUERY, Buffer.alloc(FW_QUERY.size - 1))).toBe(-ERRNO.EINVAL);
  });
});

describe('bus businfo (bus function 1)', () => {
  it('reports idle, capability FWQUIESCE|OSQUIESCE|RESET, no quiesce time and a 3 s maximum', () => {
    const p = Buffer.alloc(BUSINFO.size, 0xa5);
    expect(bus.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, p)).toBe(0);
    expect(decode(BUSINFO, p)).toEqual({
      status: 0,
      state: FWA_STATE.IDLE,
      capability: 0x7,
      activateTmo: 0n,
      cpuQuiesceTmo: 0n,
      ioQuiesceTmo: 0n,
      maxQuiesceTmo: 3_000_000n,
    });
    // The whole structure is assigned: reserved bytes read back zero.
    expect(p.readUInt16LE(4)).toBe(0);
  });

  it('counts 1 s of quiesce per armed DIMM; more than 3 armed exceeds the maximum', () => {
    for (let n = 1; n <= 5; n++) {
      arm(dimms[n - 1]!, 1);
      const info = businfo();
      expect(info.state).toBe(FWA_STATE.ARMED);
      expect(info.activateTmo).toBe(BigInt(n) * 1_000_000n);
      expect(info.cpuQuiesceTmo).toBe(info.activateTmo);
      expect(info.ioQuiesceTmo).toBe(info.activateTmo);
      expect(info.maxQuiesceTmo).toBe(3_000_000n);
      // The kernel's overflow test is a strict activate_tmo > max_quiesce_tmo.
      expect(info.activateTmo > info.maxQuiesceTmo).toBe(n > 3);
    }
  });

  it('includes the hot-plug slot in the armed count', () => {
    const slot = dimms.find((d) => !d.spec.registered)!;
    arm(slot, 1);
    expect(businfo()).toMatchObject({ state: FWA_STATE.ARMED, activateTmo: 1_000_000n });
  });

  it('is busy for 3 s after an activation, then idle', () => {
    arm(d0, 1);
    clock.advance(5000);
    activate();
    expect(businfo().state).toBe(FWA_STATE.BUSY);
    clock.advance(3000);
    expect(businfo().state).toBe(FWA_STATE.BUSY); // time_after() is strict
    clock.advance(1);
    expect(businfo().state).toBe(FWA_STATE.IDLE);
  });

  it('reads armed rather than busy when a DIMM is armed inside the busy window', () => {
    arm(d0, 1);
    activate();
    arm(dimms[1]!, 1);
    expect(businfo().state).toBe(FWA_STATE.ARMED);
  });

  it('fails a short buffer with -EINVAL', () => {
    expect(bus.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, Buffer.alloc(BUSINFO.size - 1))).toBe(-ERRNO.EINVAL);
  });
});

describe('bus activate (bus function 2)', () => {
  it('answers NOARM (0x10006) when idle and does nothing', () => {
    expect(activate()).toBe(BUS_FWA_STATUS.NOARM);
    expect(BUS_FWA_STATUS.NOARM).toBe(0x10006);
    // No activation happened: not busy, and DIMMs report no result.
    expect(businfo().state).toBe(FWA_STATE.IDLE);
    expect(dimmInfo(d0)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.NONE });
  });

  it('answers BUSY (0x20006) inside the 3 s window and does not restart it', () => {
    arm(d0, 1);
    expect(activate()).toBe(0);
    clock.advance(2000);
    expect(activate()).toBe(0x20006);
    clock.advance(1001);
    // Busy counted from the first activation only.
    expect(businfo().state).toBe(FWA_STATE.IDLE);
    expect(activate()).toBe(0x10006);
  });

  it('activates the armed DIMMs with status 0 when within the quiesce budget', () => {
    for (const d of dimms.slice(0, 3)) {
      stageFirmware(d, clock);
      arm(d, 1);
    }
    expect(activate()).toBe(0);
    for (const d of dimms.slice(0, 3)) {
      expect(d.firmware.armed).toBe(false);
      expect(d.firmware.state).toBe('new');
    }
  });

  it('answers TMO (0x40006) with 4 armed but still activates them', () => {
    for (const d of dimms.slice(0, 4)) {
      stageFirmware(d, clock);
      arm(d, 1);
    }
    expect(activate()).toBe(0x40006);
    expect(businfo().state).toBe(FWA_STATE.BUSY);
    for (const d of dimms.slice(0, 4)) {
      expect(d.firmware.armed).toBe(false);
      expect(d.firmware.state).toBe('new');
    }
    clock.advance(3001);
    for (const d of dimms.slice(0, 4)) expect(dimmInfo(d)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.SUCCESS });
  });

  it('ignores the iodev_state input', () => {
    arm(d0, 1);
    expect(activate(1)).toBe(0);
    expect(businfo().state).toBe(FWA_STATE.BUSY);
  });

  it('fails a short buffer with -EINVAL and does not activate', () => {
    arm(d0, 1);
    expect(bus.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE, Buffer.alloc(BUS_ACTIVATE.size - 1))).toBe(-ERRNO.EINVAL);
    expect(d0.firmware.armed).toBe(true);
  });
});

describe('DIMM activation info (function 29)', () => {
  it('reports idle/none before any activation, with the reserved bytes zeroed', () => {
    const p = Buffer.alloc(DIMMINFO.size, 0xa5);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_DIMMINFO, p)).toBe(0);
    expect(decode(DIMMINFO, p)).toEqual({ status: 0, result: FWA_RESULT.NONE, state: FWA_STATE.IDLE });
    expect(p.subarray(7).every((b) => b === 0)).toBe(true);
  });

  it('reports armed for an armed DIMM and idle for the others while the bus is armed', () => {
    arm(d0, 1);
    expect(dimmInfo(d0).state).toBe(FWA_STATE.ARMED);
    expect(dimmInfo(dimms[1]!).state).toBe(FWA_STATE.IDLE);
  });

  it('success / not_staged / none after an activation, none while busy', () => {
    const [staged, unstaged, absent] = [dimms[0]!, dimms[1]!, dimms[2]!];
    stageFirmware(staged, clock);
    arm(staged, 1);
    arm(unstaged, 1); // arming needs no staged image
    expect(activate()).toBe(0);

    for (const d of [staged, unstaged, absent]) expect(dimmInfo(d)).toMatchObject({ state: FWA_STATE.BUSY, result: FWA_RESULT.NONE });
    clock.advance(3001);
    expect(dimmInfo(staged)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.SUCCESS });
    expect(dimmInfo(unstaged)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.NOTSTAGED });
    expect(dimmInfo(absent)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.NONE });
  });

  it('reports none while a DIMM of the last activation is armed again', () => {
    arm(d0, 1);
    activate();
    clock.advance(3001);
    expect(dimmInfo(d0).result).toBe(FWA_RESULT.NOTSTAGED);
    arm(d0, 1);
    expect(dimmInfo(d0)).toMatchObject({ state: FWA_STATE.ARMED, result: FWA_RESULT.NONE });
    // ...and the other DIMMs show idle with no result.
    expect(dimmInfo(dimms[1]!)).toMatchObject({ state: FWA_STATE.IDLE, result: FWA_RESULT.NONE });
  });

  it('a later activation without the DIMM resets its result to none', () => {
    stageFirmware(d0, clock);
    arm(d0, 1);
    activate();
    clock.advance(3001);
    expect(dimmInfo(d0).result).toBe(FWA_RESULT.SUCCESS);
    arm(dimms[1]!, 1);
    activate();
    clock.advance(3001);
    expect(dimmInfo(d0).result).toBe(FWA_RESULT.NONE);
    expect(dimmInfo(dimms[1]!).result).toBe(FWA_RESULT.NOTSTAGED);
  });

  it('a later verified update clears missed_activate: not_staged turns into success', () => {
    arm(d0, 1);
    activate();
    clock.advance(3001);
    expect(dimmInfo(d0).result).toBe(FWA_RESULT.NOTSTAGED);
    stageFirmware(d0, clock);
    expect(dimmInfo(d0).result).toBe(FWA_RESULT.SUCCESS);
  });

  it('leaves a missed DIMM in its update state', () => {
    const ctx = start(d0).context;
    arm(d0, 1);
    activate();
    expect(d0.firmware.state).toBe('in_progress');
    expect(d0.firmware.missedActivate).toBe(true);
    expect(send(d0, ctx, 0, 16)).toBe(0);
  });
});

describe('DIMM arm (function 30)', () => {
  it('arms without validation and answers status 0', () => {
    expect(d0.firmware.state).toBe('new');
    const p = build(ARM, { activateArm: 1, status: 0xffff });
    dimmCall(d0, INTEL_FN.FW_ACTIVATE_ARM, p);
    expect(decode(ARM, p).status).toBe(0);
    expect(d0.firmware.armed).toBe(true);
  });

  it('disarms with 0, and anything but 1 disarms', () => {
    arm(d0, 1);
    expect(arm(d0, 0).status).toBe(0);
    expect(d0.firmware.armed).toBe(false);
    arm(d0, 1);
    arm(d0, 2);
    expect(d0.firmware.armed).toBe(false);
  });
});

describe('ctl-level failures', () => {
  it('fail_cmd makes the call return -EIO after the handler ran', () => {
    d0.failCmd = 1n << 30n;
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_ARM, build(ARM, { activateArm: 1 }))).toBe(-ERRNO.EIO);
    // nfit.c override_return_code() runs after the handler: the DIMM is armed.
    expect(d0.firmware.armed).toBe(true);
  });

  it('fail_cmd_code replaces -EIO', () => {
    d0.failCmd = 1n << 13n;
    d0.failCmdCode = -ERRNO.ENXIO;
    const p = build(FW_START);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_START_UPDATE, p)).toBe(-ERRNO.ENXIO);
    expect(decode(FW_START, p)).toEqual({ status: 0, context: 1 });
    expect(d0.firmware.state).toBe('in_progress');
  });

  it('fail_cmd only hits the functions whose bits are set', () => {
    d0.failCmd = 1n << 13n;
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(0);
    expect(dimms[1]!.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_START_UPDATE, build(FW_START))).toBe(0);
  });

  it('the override wins over the handler’s own error', () => {
    d0.failCmd = 1n << 12n;
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, Buffer.alloc(4))).toBe(-ERRNO.EIO);
    d0.failCmdCode = 7;
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(7);
  });

  it('fail_cmd on dimminfo still lets the handler fill the payload', () => {
    d0.failCmd = 1n << 29n;
    const p = Buffer.alloc(DIMMINFO.size, 0xa5);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_DIMMINFO, p)).toBe(-ERRNO.EIO);
    expect(decode(DIMMINFO, p)).toEqual({ status: 0, result: FWA_RESULT.NONE, state: FWA_STATE.IDLE });
  });

  it('a DIMM call with the wrong family is -ENOTTY', () => {
    expect(d0.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(-ERRNO.ENOTTY);
    expect(d0.call(2, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(-ERRNO.ENOTTY);
  });

  it('a DIMM function outside the dsm mask is -ENOTTY, and fail_cmd does not apply to it', () => {
    // nfit_test.0 DIMMs: dsm_mask 0x7ffff476, so functions 3 and 31 are absent.
    d0.failCmd = (1n << 3n) | (1n << 31n);
    expect(d0.call(NVDIMM_FAMILY_INTEL, 3, Buffer.alloc(64))).toBe(-ERRNO.ENOTTY);
    expect(d0.call(NVDIMM_FAMILY_INTEL, 31, Buffer.alloc(64))).toBe(-ERRNO.ENOTTY);
    expect(d0.call(NVDIMM_FAMILY_INTEL, 64, Buffer.alloc(64))).toBe(-ERRNO.ENOTTY);
  });

  it('nfit_test.1 DIMMs refuse every ND_CMD_CALL with -EINVAL ("only valid for nfit_test0")', () => {
    const { platform } = makePlatform();
    const other = platform.buses[1]!.dimms[0]!;
    expect(other.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(-ERRNO.EINVAL);
    expect(other.call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_ACTIVATE_DIMMINFO, build(DIMMINFO))).toBe(-ERRNO.EINVAL);
    // The wrong family is still -ENOTTY first.
    expect(other.call(1, INTEL_FN.FW_GET_INFO, build(FW_INFO))).toBe(-ERRNO.ENOTTY);
  });

  it('a bus call with the wrong family or an unknown function is -ENOTTY', () => {
    expect(bus.call(NVDIMM_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, build(BUSINFO))).toBe(-ERRNO.ENOTTY);
    expect(bus.call(NVDIMM_BUS_FAMILY_INTEL, 3, Buffer.alloc(64))).toBe(-ERRNO.ENOTTY);
  });

  it('a bus without activation support answers -ENOTTY to the Intel bus family', () => {
    const { platform } = makePlatform();
    expect(platform.buses[1]!.call(NVDIMM_BUS_FAMILY_INTEL, INTEL_BUS_FN.FW_ACTIVATE_BUSINFO, build(BUSINFO))).toBe(-ERRNO.ENOTTY);
  });
});
