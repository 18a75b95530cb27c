// SMART health and the label-area commands as nfit_test answers them, and
// which door (ND_CMD_CALL or a classic command) each provider opens to them
// (tools/testing/nvdimm/test/nfit.c nfit_test_ctl; drivers/acpi/nfit/core.c
// acpi_nfit_ctl).
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { INTEL_FN, SMART, SMART_INJECT, SMART_SET_THRESHOLD, SMART_THRESHOLD } from '../../src/platform/intel-payloads.js';
import { GET_CONFIG_DATA, GET_CONFIG_SIZE, ND_CMD, ND_CMD_PKG, SET_CONFIG_DATA } from '../../src/platform/nd-cmd-payloads.js';
import { NVDIMM_FAMILY_INTEL, type PlatformDimm } from '../../src/platform/nfit-platform.js';
import { build, decode, encode } from '../../src/platform/payload.js';
import { callPkg, dimmCall, makePlatform } from './helpers.js';

let d0: PlatformDimm;
beforeEach(() => {
  d0 = makePlatform().platform.buses[0]!.dimms[0]!;
});

function getData(dimm: PlatformDimm, offset: number, length: number): { rc: number; buf: Buffer } {
  const buf = Buffer.alloc(GET_CONFIG_DATA.size + length);
  encode(GET_CONFIG_DATA, buf, { inOffset: offset, inLength: length });
  return { rc: dimm.ctl(ND_CMD.GET_CONFIG_DATA, buf), buf };
}

function setData(dimm: PlatformDimm, offset: number, data: Buffer): { rc: number; buf: Buffer } {
  const buf = Buffer.alloc(SET_CONFIG_DATA.size + data.length + 4, 0xff);
  encode(SET_CONFIG_DATA, buf, { inOffset: offset, inLength: data.length });
  data.copy(buf, SET_CONFIG_DATA.size);
  return { rc: dimm.ctl(ND_CMD.SET_CONFIG_DATA, buf), buf };
}

describe('SMART (functions 1, 2, 17, 18)', () => {
  it('reports smart_def: non-critical health, 75% spares, 23/25 °C, 42 dirty shutdowns', () => {
    const s = decode(SMART, dimmCall(d0, INTEL_FN.SMART, build(SMART)));
    expect(s).toMatchObject({ status: 0, flags: 0x63f, health: 1, spares: 75, lifeUsed: 5, alarmFlags: 3, mediaTemperature: 368, ctrlTemperature: 400 });
    expect(s).toMatchObject({ shutdownCount: 42, shutdownState: 0, aitStatus: 1, pmicTemperature: 640, vendorSize: 0 });
  });

  it('reports the default thresholds: spare and media-temperature alarms, 5%, 40 °C, 30 °C', () => {
    const t = decode(SMART_THRESHOLD, dimmCall(d0, INTEL_FN.SMART_THRESHOLD, build(SMART_THRESHOLD)));
    expect(t).toEqual({ status: 0, alarmControl: 3, spares: 5, mediaTemperature: 640, ctrlTemperature: 480 });
  });

  it('set-threshold stores the seven input bytes', () => {
    const p = build(SMART_SET_THRESHOLD, { alarmControl: 4, spares: 9, mediaTemperature: 700, ctrlTemperature: 500, status: 0xdead });
    dimmCall(d0, INTEL_FN.SMART_SET_THRESHOLD, p);
    expect(decode(SMART_SET_THRESHOLD, p).status).toBe(0);
    const t = decode(SMART_THRESHOLD, dimmCall(d0, INTEL_FN.SMART_THRESHOLD, build(SMART_THRESHOLD)));
    expect(t).toMatchObject({ alarmControl: 4, spares: 9, mediaTemperature: 700, ctrlTemperature: 500 });
  });

  it('inject sets fields, restores defaults when disabled, and counts unsafe shutdowns', () => {
    const inject = (values: Parameters<typeof build<typeof SMART_INJECT.fields>>[1]) => dimmCall(d0, INTEL_FN.SMART_INJECT, build(SMART_INJECT, values));
    inject({ flags: 0xfn, mtempEnable: 1, mediaTemperature: 800, spareEnable: 1, spares: 3, fatalEnable: 1, unsafeShutdownEnable: 1 });
    let s = decode(SMART, dimmCall(d0, INTEL_FN.SMART, build(SMART)));
    expect(s).toMatchObject({ mediaTemperature: 800, spares: 3, health: 4, shutdownState: 1, shutdownCount: 43 });
    expect(d0.smart.notifications).toBe(1);
    inject({ flags: 0xfn });
    s = decode(SMART, dimmCall(d0, INTEL_FN.SMART, build(SMART)));
    expect(s).toMatchObject({ mediaTemperature: 368, spares: 75, health: 1, shutdownState: 0, shutdownCount: 43 });
  });

  it('inject insists on the exact 19-byte structure; SMART on a short buffer is -EINVAL', () => {
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.SMART_INJECT, Buffer.alloc(20))).toBe(-ERRNO.EINVAL);
    expect(d0.call(NVDIMM_FAMILY_INTEL, INTEL_FN.SMART, Buffer.alloc(131))).toBe(-ERRNO.EINVAL);
  });
});

describe('label area (commands 4, 5, 6)', () => {
  it('get_config_size: 128 KiB, 4 KiB transfers', () => {
    const buf = Buffer.alloc(GET_CONFIG_SIZE.size);
    expect(d0.ctl(ND_CMD.GET_CONFIG_SIZE, buf)).toBe(0);
    expect(decode(GET_CONFIG_SIZE, buf)).toEqual({ status: 0, configSize: 131072, maxXfer: 4096 });
  });

  it('a fresh nfit_test area starts with the text label<N>', () => {
    const { rc, buf } = getData(d0, 0, 16);
    expect(rc).toBe(0);
    expect(buf.subarray(GET_CONFIG_DATA.size).toString('latin1')).toBe('label0\0\0\0\0\0\0\0\0\0\0');
  });

  it('writes are read back; the status word after the data is cleared', () => {
    const w = setData(d0, 4096, Buffer.from('NAMESPACE_INDEX\0'));
    expect(w.rc).toBe(0);
    expect(w.buf.readUInt32LE(SET_CONFIG_DATA.size + 16)).toBe(0);
    expect(getData(d0, 4096, 16).buf.subarray(GET_CONFIG_DATA.size).toString('latin1')).toBe('NAMESPACE_INDEX\0');
  });

  it('a transfer running past the end moves what fits and returns the bytes left over', () => {
    expect(getData(d0, 131072 - 8, 16).rc).toBe(8);
    expect(setData(d0, 131072 - 8, Buffer.alloc(16, 1)).rc).toBe(8);
  });

  it('an offset at or past the end, or a buffer shorter than in_length, is -EINVAL', () => {
    expect(getData(d0, 131072, 4).rc).toBe(-ERRNO.EINVAL);
    const short = Buffer.alloc(GET_CONFIG_DATA.size + 4);
    encode(GET_CONFIG_DATA, short, { inOffset: 0, inLength: 8 });
    expect(d0.ctl(ND_CMD.GET_CONFIG_DATA, short)).toBe(-ERRNO.EINVAL);
    const noStatus = Buffer.alloc(SET_CONFIG_DATA.size + 4);
    encode(SET_CONFIG_DATA, noStatus, { inOffset: 0, inLength: 4 });
    expect(d0.ctl(ND_CMD.SET_CONFIG_DATA, noStatus)).toBe(-ERRNO.EINVAL);
  });
});

describe('which door each provider opens', () => {
  it('nfit_test: labels only as classic commands, SMART only through ND_CMD_CALL', () => {
    expect(d0.ctl(ND_CMD.CALL, callPkg(NVDIMM_FAMILY_INTEL, ND_CMD.GET_CONFIG_SIZE, 0, 12))).toBe(-ERRNO.ENOTTY);
    expect(d0.ctl(ND_CMD.SMART, Buffer.alloc(132))).toBe(-ERRNO.ENOTTY);
    expect(d0.ctl(ND_CMD.CALL, callPkg(NVDIMM_FAMILY_INTEL, INTEL_FN.SMART, 0, 132))).toBe(0);
  });

  it('nfit_test: fail_cmd overrides the classic label commands too', () => {
    d0.failCmd = 1n << 4n;
    expect(d0.ctl(ND_CMD.GET_CONFIG_SIZE, Buffer.alloc(12))).toBe(-ERRNO.EIO);
    d0.failCmdCode = -ERRNO.ENXIO;
    expect(d0.ctl(ND_CMD.GET_CONFIG_SIZE, Buffer.alloc(12))).toBe(-ERRNO.ENXIO);
  });

  it('ACPI (qemu-nfit): labels through both doors; non-zero reserved words are -EINVAL; nd_fw_size is filled', () => {
    const q = makePlatform('qemu-nfit').platform.buses[0]!.dimms[0]!;
    expect(q.ctl(ND_CMD.GET_CONFIG_SIZE, Buffer.alloc(12))).toBe(0);
    const call = callPkg(NVDIMM_FAMILY_INTEL, ND_CMD.GET_CONFIG_SIZE, 0, 12);
    expect(q.ctl(ND_CMD.CALL, call)).toBe(0);
    expect(decode(ND_CMD_PKG, call).fwSize).toBe(12);
    expect(decode(GET_CONFIG_SIZE, call, ND_CMD_PKG.size).configSize).toBe(131072);
    call.writeUInt32LE(1, 40);
    expect(q.ctl(ND_CMD.CALL, call)).toBe(-ERRNO.EINVAL);
    // Not in QEMU's dsm_mask.
    expect(q.ctl(ND_CMD.CALL, callPkg(NVDIMM_FAMILY_INTEL, INTEL_FN.SMART, 0, 132))).toBe(-ERRNO.ENOTTY);
  });
});
