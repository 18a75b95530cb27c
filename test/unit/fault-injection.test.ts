// Fault injection: nfit_test's own test_dimmN files (fail_cmd,
// fail_cmd_code, lock_dimm) and ndsim's superset through the control
// service's inject/clear, applied in-process as the daemon applies them.
import { describe, expect, it } from 'vitest';
import { clearFaults, inject, InjectError } from '../../src/control/inject.js';
import { buildReport } from '../../src/control/report.js';
import { ERRNO } from '../../src/kernel/errno.js';
import { FW_QUERY, FW_START, INTEL_FN } from '../../src/platform/intel-payloads.js';
import { ND_CMD, ND_CMD_PKG } from '../../src/platform/nd-cmd-payloads.js';
import { NVDIMM_FAMILY_INTEL } from '../../src/platform/nfit-platform.js';
import { build, decode } from '../../src/platform/payload.js';
import type { TraceEvent } from '../../src/trace/tracer.js';
import { callPkg, makeSimulation, NDBUS0, nmemPath, stageFirmware, SysfsClient } from './helpers.js';

const TEST_DIMM0 = '/sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0';

function setup() {
  const sim = makeSimulation();
  const fs = new SysfsClient(sim);
  const pdimm = (n: number) => sim.system.dimms[n]!.platform;
  /** FW_START_UPDATE as ndctl sends it: ND_CMD_CALL, status at the start of the output. */
  const startUpdate = (n: number) => {
    const buf = callPkg(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_START_UPDATE, 0, FW_START.size);
    const rc = pdimm(n).ctl(ND_CMD.CALL, buf);
    return { rc, status: rc === 0 ? buf.readUInt32LE(ND_CMD_PKG.size) : null };
  };
  const apply = (fault: Parameters<typeof inject>[3]) => inject(sim.system, sim.clock, sim.tracer, fault);
  return { sim, fs, pdimm, startUpdate, apply };
}

describe("nfit_test's test_dimmN files", () => {
  it('fail_cmd makes the flagged function fail -EIO after it ran; fail_cmd_code picks the return code', () => {
    const { fs, startUpdate, pdimm } = setup();
    expect(fs.write(`${TEST_DIMM0}/fail_cmd`, '0x2000\n')).toBe(7);
    expect(fs.read(`${TEST_DIMM0}/fail_cmd`)).toBe('0x2000\n');
    expect(startUpdate(0)).toEqual({ rc: -ERRNO.EIO, status: null });
    // override_return_code runs after the function: the update did start.
    expect(pdimm(0).firmware.state).toBe('in_progress');
    expect(fs.write(`${TEST_DIMM0}/fail_cmd_code`, '-22\n')).toBe(4);
    expect(startUpdate(0).rc).toBe(-ERRNO.EINVAL);
    // Other DIMMs and other functions are untouched.
    expect(startUpdate(1)).toEqual({ rc: 0, status: 0 });
  });

  it('lock_dimm locks the DIMM as its security state reports it', () => {
    const { fs } = setup();
    expect(fs.read(`${nmemPath(0)}/security`)).toBe('disabled\n');
    expect(fs.write(`${TEST_DIMM0}/lock_dimm`, '1\n')).toBe(2);
    expect(fs.read(`${nmemPath(0)}/security`)).toBe('locked\n');
  });
});

describe('ndsim inject', () => {
  it('a DSM errno fault fails the call without running it, for the given number of calls', () => {
    const { startUpdate, pdimm, apply } = setup();
    apply({ kind: 'dsm', target: 'nmem0', fn: INTEL_FN.FW_START_UPDATE, errno: 'EIO', times: 1 });
    expect(startUpdate(0).rc).toBe(-ERRNO.EIO);
    expect(pdimm(0).firmware.state).toBe('new');
    expect(startUpdate(0)).toEqual({ rc: 0, status: 0 });
  });

  it('a DSM status fault answers that firmware status until cleared', () => {
    const { sim, startUpdate, pdimm, apply } = setup();
    apply({ kind: 'dsm', target: 'nmem1', fn: INTEL_FN.FW_START_UPDATE, status: 0x10007 });
    expect(startUpdate(1)).toEqual({ rc: 0, status: 0x10007 });
    expect(startUpdate(1)).toEqual({ rc: 0, status: 0x10007 });
    expect(pdimm(1).firmware.state).toBe('new');
    clearFaults(sim.system, sim.tracer, 'nmem1');
    expect(startUpdate(1)).toEqual({ rc: 0, status: 0 });
  });

  it('a status fault waits for a call that has a status word: classic label commands pass it by', () => {
    const { sim, pdimm, apply } = setup();
    apply({ kind: 'dsm', target: 'nmem0', fn: ND_CMD.GET_CONFIG_SIZE, status: 0x5, times: 1 });
    const classic = Buffer.alloc(12);
    expect(pdimm(0).ctl(ND_CMD.GET_CONFIG_SIZE, classic)).toBe(0);
    expect(classic.readUInt32LE(0)).toBe(0);
    expect(buildReport(sim.system, sim.clock).dimms[0]!.faults).toEqual([{ fn: ND_CMD.GET_CONFIG_SIZE, status: 0x5, remaining: 1 }]);
  });

  it('a bus fault reaches the kernel-internal businfo call once the cached bus state is dropped', () => {
    const { fs, apply } = setup();
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('idle\n');
    apply({ kind: 'dsm', target: 'ndbus0', fn: 1, errno: 'EIO' });
    // intel_bus_fwa_state() answers from its cache until an arm invalidates it.
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('idle\n');
    expect(fs.write(`${nmemPath(0)}/firmware/activate`, 'arm\n')).toBe(4);
    expect(fs.readErrno(`${NDBUS0}/firmware/activate`)).toBe(ERRNO.ENXIO);
  });

  it('holding the bus busy: the DIMMs read busy and arming fails EBUSY until the time passes', () => {
    const { sim, fs, apply } = setup();
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('idle\n');
    apply({ kind: 'busy', bus: 'ndbus0', ms: 5000 });
    expect(fs.read(`${nmemPath(0)}/firmware/activate`)).toBe('busy\n');
    expect(fs.writeErrno(`${nmemPath(0)}/firmware/activate`, 'arm\n')).toBe(ERRNO.EBUSY);
    // The bus file still answers from the kernel's cache: nothing invalidated it.
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('idle\n');
    sim.clock.advance(5000);
    expect(fs.write(`${nmemPath(0)}/firmware/activate`, 'arm\n')).toBe(4);
    expect(fs.read(`${NDBUS0}/firmware/activate`)).toBe('armed\n');
  });

  it('a stalled verify keeps finish-query busy (0x20007) until cleared', () => {
    const { sim, pdimm, apply } = setup();
    apply({ kind: 'stall-verify', dimm: 'nmem2' });
    expect(() => stageFirmware(pdimm(2), sim.clock)).toThrow(/query: status 20007/);
    sim.clock.advance(60_000);
    const ctx = pdimm(2).firmware.context;
    const q = () => decode(FW_QUERY, (() => {
      const p = build(FW_QUERY, { context: ctx });
      pdimm(2).call(NVDIMM_FAMILY_INTEL, INTEL_FN.FW_FINISH_QUERY, p);
      return p;
    })()).status;
    expect(q()).toBe(0x20007);
    clearFaults(sim.system, sim.tracer);
    expect(q()).toBe(0);
  });

  it('a forced result is what the next activations give', () => {
    const { sim, fs, pdimm, apply } = setup();
    apply({ kind: 'result', dimm: 'nmem0', result: 'need_reset' });
    stageFirmware(pdimm(0), sim.clock);
    fs.write(`${nmemPath(0)}/firmware/activate`, 'arm\n');
    fs.write(`${NDBUS0}/firmware/activate`, 'live\n');
    sim.clock.advance(3001);
    expect(fs.read(`${nmemPath(0)}/firmware/result`)).toBe('need_reset\n');
    expect(buildReport(sim.system, sim.clock).dimms[0]!.outcome).toBe('need_reset');
  });

  it('names nothing that does not exist', () => {
    const { apply, sim } = setup();
    expect(() => apply({ kind: 'result', dimm: 'nmem9', result: 'fail' })).toThrow(InjectError);
    expect(() => apply({ kind: 'busy', bus: 'ndbus1', ms: 1 })).toThrow(/no firmware activation/);
    expect(() => clearFaults(sim.system, sim.tracer, 'nmem9')).toThrow(InjectError);
  });

  it('traces the injection and the faulted DSM call', () => {
    const { sim, startUpdate, apply } = setup();
    const seen: TraceEvent[] = [];
    sim.tracer.subscribe((e) => seen.push(e));
    apply({ kind: 'dsm', target: 'nmem0', fn: INTEL_FN.FW_START_UPDATE, errno: 'EIO' });
    startUpdate(0);
    expect(seen.map((e) => `${e.kind} ${e.text}`)).toEqual([
      'inject nmem0: DSM function 13 fails -EIO until cleared',
      'dsm nmem0 fn 13 fw_start_update: -EIO (injected)',
    ]);
  });
});
