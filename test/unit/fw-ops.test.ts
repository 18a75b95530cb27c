// The NFIT provider's firmware-activation ops over the simulated platform:
// drivers/acpi/nfit/intel.c's caching rules (intel_bus_fwa_state,
// intel_bus_fwa_capability, intel_bus_fwa_activate, intel_fwa_state,
// intel_fwa_result, intel_fwa_arm). DSM traffic is counted with spies so
// that "answered from cache" is observable.
import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { VirtualClock } from '../../src/clock/clock.js';
import { ERRNO } from '../../src/kernel/errno.js';
import { FWA_CAP, FWA_RESULT, FWA_STATE } from '../../src/nvdimm/fw-ops.js';
import { IntelBusFwOps, IntelDimmFwOps } from '../../src/nvdimm/intel-fw-ops.js';
import { BUS_ACTIVATE, INTEL_BUS_FN, INTEL_FN } from '../../src/platform/intel-payloads.js';
import type { PlatformBus, PlatformDimm } from '../../src/platform/nfit-platform.js';
import { decode } from '../../src/platform/payload.js';
import { makePlatform, makeSimulation, nmemPath, NDBUS0, SysfsClient, stageFirmware } from './helpers.js';

let clock: VirtualClock;
let bus: PlatformBus;
let pdimms: PlatformDimm[];
let busOps: IntelBusFwOps;
let dimmOps: IntelDimmFwOps[];
let busCall: MockInstance<PlatformBus['call']>;
let realBusCall: PlatformBus['call'];
let dimmCalls: MockInstance<PlatformDimm['call']>[];

beforeEach(() => {
  const t = makePlatform();
  clock = t.clock;
  bus = t.platform.buses[0]!;
  pdimms = bus.dimms.filter((d) => d.spec.registered);
  busOps = new IntelBusFwOps(bus);
  dimmOps = pdimms.map((d) => new IntelDimmFwOps(d, busOps));
  realBusCall = bus.call.bind(bus);
  busCall = vi.spyOn(bus, 'call');
  dimmCalls = pdimms.map((d) => vi.spyOn(d, 'call'));
});

/** How many times a bus / DIMM DSM function was evaluated. */
const busCalls = (fn: number) => busCall.mock.calls.filter((c) => c[1] === fn).length;
const businfoCalls = () => busCalls(INTEL_BUS_FN.FW_ACTIVATE_BUSINFO);
const dimmCallsOf = (i: number, fn: number) => dimmCalls[i]!.mock.calls.filter((c) => c[1] === fn).length;
const dimminfoCalls = (i: number) => dimmCallsOf(i, INTEL_FN.FW_ACTIVATE_DIMMINFO);
const armCalls = (i: number) => dimmCallsOf(i, INTEL_FN.FW_ACTIVATE_ARM);

describe('bus state (intel_bus_fwa_state)', () => {
  it('queries the firmware once, then answers from cache', () => {
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(businfoCalls()).toBe(1);
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(busOps.capability()).toBe(FWA_CAP.QUIESCE);
    expect(businfoCalls()).toBe(1);
  });

  it('does not see a firmware change until the cache is invalidated', () => {
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    // Armed behind the kernel's back (a direct DSM, not through the ops).
    pdimms[0]!.firmware.armed = true;
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    busOps.invalidateState();
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    expect(businfoCalls()).toBe(2);
  });

  it('a DIMM arm through the ops invalidates the bus state', () => {
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimmOps[0]!.arm(true)).toBe(0);
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    expect(businfoCalls()).toBe(2);
  });

  it('maps more than 3 s of quiesce time to ARM_OVERFLOW, exactly 3 s to ARMED', () => {
    for (const ops of dimmOps.slice(0, 3)) expect(ops.arm(true)).toBe(0);
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    expect(dimmOps[3]!.arm(true)).toBe(0);
    expect(busOps.activateState()).toBe(FWA_STATE.ARM_OVERFLOW);
    expect(dimmOps[3]!.arm(false)).toBe(0);
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
  });

  it('never caches BUSY: every read re-polls until the firmware is idle again', () => {
    dimmOps[0]!.arm(true);
    expect(busOps.activate()).toBe(0);
    const before = businfoCalls();
    expect(busOps.activateState()).toBe(FWA_STATE.BUSY);
    expect(busOps.activateState()).toBe(FWA_STATE.BUSY);
    expect(businfoCalls()).toBe(before + 2);
    clock.advance(3001);
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(businfoCalls()).toBe(before + 3);
  });

  it('a failed businfo call reads INVALID and caches nothing', () => {
    busCall.mockReturnValueOnce(-ERRNO.EIO);
    expect(busOps.activateState()).toBe(FWA_STATE.INVALID);
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    expect(businfoCalls()).toBe(2);
  });
});

describe('bus capability (intel_bus_fwa_capability)', () => {
  it('is cached "forever" and re-queried only after noidle changes', () => {
    expect(busOps.capability()).toBe(FWA_CAP.QUIESCE);
    expect(businfoCalls()).toBe(1);
    // The platform now reports OSQUIESCE only.
    const caps = bus.activation!.spec.capability as Array<'fwquiesce' | 'osquiesce' | 'reset'>;
    caps.splice(0, caps.length, 'osquiesce');
    expect(busOps.capability()).toBe(FWA_CAP.QUIESCE);
    busOps.setNoidle(false); // unchanged: no invalidation
    expect(busOps.capability()).toBe(FWA_CAP.QUIESCE);
    expect(businfoCalls()).toBe(1);
    busOps.setNoidle(true);
    expect(busOps.capability()).toBe(FWA_CAP.LIVE);
    expect(businfoCalls()).toBe(2);
    expect(busOps.capability()).toBe(FWA_CAP.LIVE);
    expect(businfoCalls()).toBe(2);
  });

  it('an invalid capability forces a refresh even when the state is cached', () => {
    expect(busOps.activateState()).toBe(FWA_STATE.IDLE);
    pdimms[0]!.firmware.armed = true;
    busOps.setNoidle(true);
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    expect(businfoCalls()).toBe(2);
  });

  it('RESET alone gives NONE', () => {
    const caps = bus.activation!.spec.capability as Array<'fwquiesce' | 'osquiesce' | 'reset'>;
    caps.splice(0, caps.length, 'reset');
    expect(busOps.capability()).toBe(FWA_CAP.NONE);
  });

  it('a failed refresh reads INVALID', () => {
    busCall.mockReturnValueOnce(-ERRNO.EIO);
    expect(busOps.capability()).toBe(FWA_CAP.INVALID);
    expect(busOps.capability()).toBe(FWA_CAP.QUIESCE);
  });
});

describe('bus activate (intel_bus_fwa_activate)', () => {
  it('is -ENXIO without an armed DIMM and issues no activate DSM', () => {
    expect(busOps.activate()).toBe(-ERRNO.ENXIO);
    expect(busCalls(INTEL_BUS_FN.FW_ACTIVATE)).toBe(0);
    expect(busOps.count).toBe(0);
  });

  it('ignores the firmware status: TMO with 4 armed still returns 0', () => {
    for (const ops of dimmOps) ops.arm(true);
    expect(busOps.activateState()).toBe(FWA_STATE.ARM_OVERFLOW);
    expect(busOps.activate()).toBe(0);
    const payload = busCall.mock.calls.find((c) => c[1] === INTEL_BUS_FN.FW_ACTIVATE)![2];
    expect(decode(BUS_ACTIVATE, payload).status).toBe(0x40006);
    expect(busOps.count).toBe(1);
  });

  it('sends iodev_state FORCE_IDLE (0) by default and OS_IDLE (1) with noidle', () => {
    dimmOps[0]!.arm(true);
    busOps.activate();
    clock.advance(3001);
    busOps.setNoidle(true);
    dimmOps[0]!.arm(true);
    busOps.activate();
    const sent = busCall.mock.calls.filter((c) => c[1] === INTEL_BUS_FN.FW_ACTIVATE).map((c) => decode(BUS_ACTIVATE, c[2]).iodevState);
    expect(sent).toEqual([0, 1]);
  });

  it('invalidates the state and bumps the count even when the call fails', () => {
    dimmOps[0]!.arm(true);
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    busCall.mockImplementation((family, fn, payload) => (fn === INTEL_BUS_FN.FW_ACTIVATE ? -ERRNO.EIO : realBusCall(family, fn, payload)));
    expect(busOps.activate()).toBe(-ERRNO.EIO);
    expect(busOps.count).toBe(1);
    // The cached ARMED is gone: the next read asks the firmware (still armed, nothing happened).
    const before = businfoCalls();
    expect(busOps.activateState()).toBe(FWA_STATE.ARMED);
    expect(businfoCalls()).toBe(before + 1);
  });
});

describe('DIMM state and result (intel_fwa_state / intel_fwa_result)', () => {
  it('caches state and result while no activation happened', () => {
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.NONE);
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimminfoCalls(0)).toBe(1);
  });

  it('the first result read fetches state and result together', () => {
    expect(dimmOps[1]!.activateResult()).toBe(FWA_RESULT.NONE);
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimminfoCalls(1)).toBe(1);
  });

  it('after an activation the first read refreshes; a result read while BUSY stays stale until an activate read', () => {
    stageFirmware(pdimms[0]!, clock);
    dimmOps[0]!.arm(true);
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.ARMED);
    const polls = dimminfoCalls(0);
    expect(busOps.activate()).toBe(0);

    // First read after the activation: count mismatch → refresh.
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.BUSY);
    expect(dimminfoCalls(0)).toBe(polls + 1);
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.NONE);
    expect(dimminfoCalls(0)).toBe(polls + 1);

    clock.advance(3001);
    // The firmware now says success, but result is answered from cache.
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.NONE);
    expect(dimminfoCalls(0)).toBe(polls + 1);
    // An activate read re-polls (BUSY is never cached) and refreshes the result.
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimminfoCalls(0)).toBe(polls + 2);
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.SUCCESS);
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimminfoCalls(0)).toBe(polls + 2);
  });

  it('a result read after the busy window, as the first read, sees the fresh result', () => {
    dimmOps[0]!.arm(true);
    dimmOps[0]!.activateState();
    busOps.activate();
    clock.advance(3001);
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.NOTSTAGED);
  });

  it('an activation invalidates DIMMs that took no part in it too', () => {
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.IDLE);
    dimmOps[0]!.arm(true);
    busOps.activate();
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.BUSY);
    clock.advance(3001);
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimmOps[1]!.activateResult()).toBe(FWA_RESULT.NONE);
  });

  it('maps the firmware failure results to FAIL', () => {
    // Not produced by nfit_test; fake the dimminfo answer.
    dimmCalls[0]!.mockImplementationOnce((_family, _fn, payload) => {
      payload.fill(0);
      payload.writeUInt16LE(4, 4); // MEDIAFAILED
      return 0;
    });
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.FAIL);
  });
});

describe('DIMM arm (intel_fwa_arm)', () => {
  it('arm of an idle DIMM sends ARM and invalidates the DIMM state', () => {
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimmOps[0]!.arm(true)).toBe(0);
    expect(armCalls(0)).toBe(1);
    expect(pdimms[0]!.firmware.armed).toBe(true);
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.ARMED);
    expect(dimminfoCalls(0)).toBe(2);
  });

  it('arm of an armed DIMM is a no-op', () => {
    dimmOps[0]!.arm(true);
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.ARMED);
    expect(dimmOps[0]!.arm(true)).toBe(0);
    expect(armCalls(0)).toBe(1);
  });

  it('disarm of an idle DIMM is a no-op', () => {
    expect(dimmOps[0]!.arm(false)).toBe(0);
    expect(armCalls(0)).toBe(0);
    // It did not invalidate the bus state either.
    busOps.activateState();
    const polls = businfoCalls();
    dimmOps[1]!.arm(false);
    busOps.activateState();
    expect(businfoCalls()).toBe(polls);
  });

  it('disarm of an armed DIMM sends DISARM', () => {
    dimmOps[0]!.arm(true);
    expect(dimmOps[0]!.arm(false)).toBe(0);
    expect(armCalls(0)).toBe(2);
    expect(pdimms[0]!.firmware.armed).toBe(false);
  });

  it('arm while busy is -EBUSY and sends nothing', () => {
    dimmOps[0]!.arm(true);
    busOps.activate();
    expect(dimmOps[1]!.arm(true)).toBe(-ERRNO.EBUSY);
    expect(dimmOps[0]!.arm(false)).toBe(-ERRNO.EBUSY);
    expect(armCalls(1)).toBe(0);
    expect(pdimms[1]!.firmware.armed).toBe(false);
    clock.advance(3001);
    expect(dimmOps[1]!.arm(true)).toBe(0);
  });

  it('returns the transport error of the arm call, with the DIMM armed anyway (fail_cmd on 30)', () => {
    pdimms[0]!.failCmd = 1n << 30n;
    expect(dimmOps[0]!.arm(true)).toBe(-ERRNO.EIO);
    expect(pdimms[0]!.firmware.armed).toBe(true);
  });
});

describe('fail_cmd on dimminfo (function 29)', () => {
  it('makes the state INVALID, the result INVALID and arm -ENXIO', () => {
    pdimms[0]!.failCmd = 1n << 29n;
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.INVALID);
    expect(dimmOps[0]!.activateResult()).toBe(FWA_RESULT.INVALID);
    expect(dimmOps[0]!.arm(true)).toBe(-ERRNO.ENXIO);
    expect(armCalls(0)).toBe(0);
    pdimms[0]!.failCmdCode = -ERRNO.EOPNOTSUPP;
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.INVALID);
    pdimms[0]!.failCmd = 0n;
    expect(dimmOps[0]!.activateState()).toBe(FWA_STATE.IDLE);
  });

  it('does not affect a state still valid in the cache, until an activation invalidates it', () => {
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.IDLE);
    pdimms[1]!.failCmd = 1n << 29n;
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.IDLE);
    expect(dimmOps[1]!.activateResult()).toBe(FWA_RESULT.NONE);
    dimmOps[0]!.arm(true);
    busOps.activate();
    expect(dimmOps[1]!.activateState()).toBe(FWA_STATE.INVALID);
    expect(dimmOps[1]!.activateResult()).toBe(FWA_RESULT.INVALID);
  });

  it('reads ENXIO through sysfs for activate and result, and arm fails ENXIO', () => {
    const sim = makeSimulation();
    const fs = new SysfsClient(sim);
    sim.system.dimms[0]!.platform.failCmd = 1n << 29n;
    expect(fs.readErrno(`${nmemPath(0)}/firmware/activate`)).toBe(ERRNO.ENXIO);
    expect(fs.readErrno(`${nmemPath(0)}/firmware/result`)).toBe(ERRNO.ENXIO);
    expect(fs.writeErrno(`${nmemPath(0)}/firmware/activate`, 'arm\n')).toBe(ERRNO.ENXIO);
    // disarm is refused the same way: the state is unknown.
    expect(fs.writeErrno(`${nmemPath(0)}/firmware/activate`, 'disarm\n')).toBe(ERRNO.ENXIO);
    // The other DIMMs and the bus are unaffected.
    expect(fs.read(`${nmemPath(1)}/firmware/activate`)).toBe('idle\n');
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('idle\n');
  });
});
