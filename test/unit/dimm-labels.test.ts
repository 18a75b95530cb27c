// What binding the nvdimm driver learns from a DIMM's label area
// (drivers/nvdimm/dimm.c nvdimm_probe, label.c nd_label_data_init): the
// label flag, available_slots, the interleave-set cookie a region shows,
// and what a DIMM without readable labels does to its regions.
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { disableRegion, driverWrite, initLabels, initLabelsOnBus0, writeConfig } from '../support/ndctl-ops.js';
import { makeSimulation, NDBUS0, nmemPath, SysfsClient } from './helpers.js';

const REGION0 = `${NDBUS0}/region0`;
const TEST_DIMM0 = '/sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0';
/** region0's interleave-set cookies, as tree-01 (v1.2) and tree-02 (v1.1) show them. */
const COOKIE_V12 = '0x40e62f0cc00f58ac\n';
const COOKIE_V11 = '0x3fe000000fe\n';

let sim: ReturnType<typeof makeSimulation>;
let fs: SysfsClient;
beforeEach(() => {
  sim = makeSimulation();
  fs = new SysfsClient(sim);
});

/** ndctl disable-region -b nfit_test.0 all */
function disableBus0Regions(): void {
  for (const r of [0, 1]) disableRegion(sim.vfs, r);
}

function rebindDimm(n: number): void {
  driverWrite(sim.vfs, 'nvdimm', 'unbind', `nmem${n}`);
  driverWrite(sim.vfs, 'nvdimm', 'bind', `nmem${n}`);
}

describe('a DIMM without a valid index (the nfit_test boot state)', () => {
  it('is bound without the label flag, counts 256-byte slots, and shows the v1.2 cookie', () => {
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('\n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('509\n');
    expect(fs.read(`${REGION0}/nstype`)).toBe('4\n');
    expect(fs.read(`${REGION0}/set_cookie`)).toBe(COOKIE_V12);
  });
});

describe('after ndctl init-labels', () => {
  it('v1.1: label flag, 1020 slots less the reserved one, v1.1 cookie, pmem namespaces', () => {
    initLabelsOnBus0(sim.system, sim.vfs);
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('label \n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('1019\n');
    expect(fs.read(`${REGION0}/nstype`)).toBe('5\n');
    expect(fs.read(`${REGION0}/set_cookie`)).toBe(COOKIE_V11);
    expect(fs.read(`${REGION0}/namespace0.0/devtype`)).toBe('nd_namespace_pmem\n');
  });

  it('v1.2: 510 256-byte slots, and the v1.2 cookie', () => {
    disableBus0Regions();
    for (const d of [0, 1, 2, 3]) {
      expect(initLabels(sim.system, d, '1.2')).toBe(0);
      rebindDimm(d);
    }
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('label \n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('509\n');
    expect(fs.read(`${REGION0}/set_cookie`)).toBe(COOKIE_V12);
    // BTT claims follow the label version: v1.2 means BTT 2.0, shown as "btt" all the same.
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region0');
    expect(fs.write(`${REGION0}/namespace0.0/holder_class`, 'btt\0')).toBe(4);
    expect(fs.read(`${REGION0}/namespace0.0/holder_class`)).toBe('btt\n');
  });

  it('takes effect only when the DIMM is re-probed: the kernel keeps its copy until then', () => {
    disableBus0Regions();
    expect(initLabels(sim.system, 0)).toBe(0);
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('\n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('509\n');
    rebindDimm(0);
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('label \n');
    // One labelled DIMM is enough for a pmem region.
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region0');
    expect(fs.read(`${REGION0}/nstype`)).toBe('5\n');
  });

  it('keeps the label flag when the index is wiped and the DIMM re-probed (NDD_LABELING is never cleared)', () => {
    initLabelsOnBus0(sim.system, sim.vfs);
    disableBus0Regions();
    expect(writeConfig(sim.system, 0, 0, Buffer.alloc(512), 4096)).toBe(0);
    rebindDimm(0);
    expect(fs.read(`${nmemPath(0)}/flags`)).toBe('label \n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('509\n');
    // mapping0's DIMM has driver data but no index: the v1.2 cookie.
    expect(fs.read(`${REGION0}/set_cookie`)).toBe(COOKIE_V12);
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region0');
    expect(fs.read(`${REGION0}/nstype`)).toBe('5\n');
    expect(fs.read(`${REGION0}/namespace0.0/size`)).toBe('0\n');
  });
});

describe('label-area commands failing at probe (nfit_test fail_cmd)', () => {
  it('fails the nvdimm bind with the command errno; the DIMM is left without driver data', () => {
    disableBus0Regions();
    driverWrite(sim.vfs, 'nvdimm', 'unbind', 'nmem0');
    // Bit 4: get_config_size.
    fs.write(`${TEST_DIMM0}/fail_cmd`, '0x10\n');
    expect(fs.writeErrno('/sys/bus/nd/drivers/nvdimm/bind', 'nmem0\0')).toBe(ERRNO.EIO);
    expect(sim.vfs.readdir(nmemPath(0))).not.toContain('driver');
    expect(fs.readErrno(`${nmemPath(0)}/available_slots`)).toBe(ERRNO.ENXIO);
    // A custom code from fail_cmd_code comes back as is.
    fs.write(`${TEST_DIMM0}/fail_cmd_code`, '-6\n');
    expect(fs.writeErrno('/sys/bus/nd/drivers/nvdimm/bind', 'nmem0\0')).toBe(ERRNO.ENXIO);
    // get_config_data failing (bit 5) fails the probe the same way.
    fs.write(`${TEST_DIMM0}/fail_cmd`, '0x20\n');
    fs.write(`${TEST_DIMM0}/fail_cmd_code`, '0\n');
    expect(fs.writeErrno('/sys/bus/nd/drivers/nvdimm/bind', 'nmem0\0')).toBe(ERRNO.EIO);
    fs.write(`${TEST_DIMM0}/fail_cmd`, '0\n');
    expect(fs.write('/sys/bus/nd/drivers/nvdimm/bind', 'nmem0\0')).toBe(6);
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('509\n');
  });

  it('a disabled DIMM that never had labels does not stop its regions; it is just not busy', () => {
    disableBus0Regions();
    driverWrite(sim.vfs, 'nvdimm', 'unbind', 'nmem0');
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region0');
    expect(fs.read(`${REGION0}/nstype`)).toBe('4\n');
    expect(fs.read(`${nmemPath(0)}/state`)).toBe('idle\n');
    expect(fs.read(`${nmemPath(1)}/state`)).toBe('active\n');
    // No driver data behind mapping0: the v1.1 cookie.
    expect(fs.read(`${REGION0}/set_cookie`)).toBe('0x3fe000000fe\n');
    // nd_region_available_dpa() gives up on a disabled DIMM; nd_region_allocatable_dpa()'s
    // min_not_zero() skips it and scales nmem1's extent by both mappings.
    expect(fs.read(`${REGION0}/available_size`)).toBe('0\n');
    expect(fs.read(`${REGION0}/max_available_extent`)).toBe('33554432\n');
  });

  it('a disabled DIMM that has labels fails the region probe with ENXIO', () => {
    initLabelsOnBus0(sim.system, sim.vfs);
    disableBus0Regions();
    driverWrite(sim.vfs, 'nvdimm', 'unbind', 'nmem1');
    expect(fs.writeErrno('/sys/bus/nd/drivers/nd_region/bind', 'region0\0')).toBe(ERRNO.ENXIO);
    expect(sim.vfs.readdir(REGION0)).not.toContain('driver');
    expect(fs.read(`${nmemPath(0)}/state`)).toBe('idle\n');
    driverWrite(sim.vfs, 'nvdimm', 'bind', 'nmem1');
    expect(fs.write('/sys/bus/nd/drivers/nd_region/bind', 'region0\0')).toBe(8);
    expect(fs.read(`${nmemPath(0)}/state`)).toBe('active\n');
  });
});
