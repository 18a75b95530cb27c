// The libnvdimm core's ioctl path (drivers/nvdimm/bus.c __nd_ioctl) as the
// ioctl service runs it: the checks in the kernel's order with its errnos,
// and the incremental "send me the first n bytes" exchange the shim drives.
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { ndIoctl, type ControlNode, type IoctlOutcome } from '../../src/nvdimm/nd-ioctl.js';
import type { NvdimmSystem } from '../../src/nvdimm/system.js';
import { INTEL_FN, SMART } from '../../src/platform/intel-payloads.js';
import { GET_CONFIG_DATA, ND_CMD, ND_CMD_PKG, SET_CONFIG_DATA } from '../../src/platform/nd-cmd-payloads.js';
import { decode, encode } from '../../src/platform/payload.js';
import { callPkg, makeSimulation } from './helpers.js';

/** _IOWR('N', nr, size) as the uapi header spells the ioctl numbers. */
const iowr = (nr: number, size: number) => (0xc0000000 | (size << 16) | (0x4e << 8) | nr) >>> 0;
const ND_IOCTL_CALL = iowr(ND_CMD.CALL, 64);
const ND_IOCTL_GET_CONFIG_SIZE = iowr(ND_CMD.GET_CONFIG_SIZE, 12);
const ND_IOCTL_GET_CONFIG_DATA = iowr(ND_CMD.GET_CONFIG_DATA, 12);
const ND_IOCTL_SET_CONFIG_DATA = iowr(ND_CMD.SET_CONFIG_DATA, 8);

let system: NvdimmSystem;
let write: (path: string, value: string) => number;
beforeEach(() => {
  const sim = makeSimulation();
  system = sim.system;
  write = (path, value) => {
    const h = sim.vfs.open(path, 1);
    try {
      return sim.vfs.write(h, Buffer.from(value));
    } finally {
      sim.vfs.release(h);
    }
  };
});

const dimm = (minor: number, readOnly = false): ControlNode => ({ kind: 'dimm', minor, readOnly });
const bus = (minor: number): ControlNode => ({ kind: 'bus', minor, readOnly: false });

/** Drive one ioctl as the shim does: start with nothing, send what is asked for. */
function drive(node: ControlNode, request: number, arg: Buffer): { outcome: IoctlOutcome; asked: number[] } {
  const asked: number[] = [];
  let sent = 0;
  for (;;) {
    const outcome = ndIoctl(system, node, request, arg.subarray(0, sent));
    if (!('need' in outcome)) return { outcome, asked };
    expect(outcome.need).toBeGreaterThan(sent);
    if (outcome.need > arg.length) throw new Error(`asked for ${outcome.need} of ${arg.length} bytes`);
    asked.push(outcome.need);
    sent = outcome.need;
  }
}

const ret = (node: ControlNode, request: number, arg: Buffer) => {
  const { outcome } = drive(node, request, arg);
  return 'ret' in outcome ? outcome.ret : NaN;
};

describe('__nd_ioctl: validation order and errnos', () => {
  it('a node whose minor matches no DIMM or bus is ENXIO', () => {
    expect(ret(dimm(42), ND_IOCTL_GET_CONFIG_SIZE, Buffer.alloc(12))).toBe(-ERRNO.ENXIO);
    expect(ret(bus(7), ND_IOCTL_CALL, Buffer.alloc(64))).toBe(-ERRNO.ENXIO);
  });

  it('ND_CMD_CALL reads the 64-byte header first, then checks the family against the bus masks', () => {
    const { asked, outcome } = drive(dimm(0), ND_IOCTL_CALL, callPkg(6, 1, 0, 132));
    expect(asked).toEqual([64]);
    expect(outcome).toEqual({ ret: -ERRNO.EINVAL });
    expect(ret(dimm(0), ND_IOCTL_CALL, callPkg(1, 1, 0, 132))).toBe(-ERRNO.EINVAL); // HPE1: no DIMM of that family
    expect(ret(bus(0), ND_IOCTL_CALL, callPkg(2, 1, 0, 8))).toBe(-ERRNO.EINVAL); // > NVDIMM_BUS_FAMILY_MAX
    expect(ret(bus(1), ND_IOCTL_CALL, callPkg(1, 1, 0, 40))).toBe(-ERRNO.EINVAL); // nfit_test.1: no Intel bus family
  });

  it('unknown, field-less or unlisted commands are ENOTTY, whatever the ioctl type bits say', () => {
    expect(ret(dimm(0), iowr(ND_CMD.VENDOR_EFFECT_LOG_SIZE, 8), Buffer.alloc(8))).toBe(-ERRNO.ENOTTY);
    expect(ret(dimm(0), iowr(11, 8), Buffer.alloc(8))).toBe(-ERRNO.ENOTTY);
    expect(ret(dimm(0), iowr(ND_CMD.DIMM_FLAGS, 8), Buffer.alloc(8))).toBe(-ERRNO.ENOTTY); // not in commands
    expect(ret(dimm(4), iowr(ND_CMD.SMART, 132), Buffer.alloc(132))).toBe(-ERRNO.ENOTTY); // nmem4 lists no smart
    // Type 'X' but nr 4: still GET_CONFIG_SIZE.
    expect(ret(dimm(0), (0xc00c5804 >>> 0), Buffer.alloc(12))).toBe(0);
  });

  it('a read-only descriptor may read label data but not call or write (EPERM), numbers overloaded as in the kernel', () => {
    const arg = Buffer.alloc(GET_CONFIG_DATA.size + 4);
    encode(GET_CONFIG_DATA, arg, { inOffset: 0, inLength: 4 });
    expect(ret(dimm(0, true), ND_IOCTL_GET_CONFIG_DATA, arg)).toBe(0);
    // The write-command switch does not look at the node: 4 is also the bus's
    // CLEAR_ERROR and 2 its ARS_START, so these DIMM reads are refused too.
    expect(ret(dimm(0, true), ND_IOCTL_GET_CONFIG_SIZE, Buffer.alloc(12))).toBe(-ERRNO.EPERM);
    expect(ret(dimm(0, true), iowr(ND_CMD.SMART_THRESHOLD, 12), Buffer.alloc(12))).toBe(-ERRNO.EPERM);
    expect(ret(dimm(0, true), ND_IOCTL_CALL, callPkg(0, INTEL_FN.SMART, 0, 132))).toBe(-ERRNO.EPERM);
    expect(ret(dimm(0, true), ND_IOCTL_SET_CONFIG_DATA, Buffer.alloc(16))).toBe(-ERRNO.EPERM);
  });

  it('a buffer over ND_IOCTL_MAX_BUFLEN (4 MiB) is EINVAL before it is copied', () => {
    const { asked, outcome } = drive(dimm(0), ND_IOCTL_CALL, callPkg(0, INTEL_FN.SMART, 0, 4 * 1024 * 1024));
    expect(outcome).toEqual({ ret: -ERRNO.EINVAL });
    expect(Math.max(...asked)).toBeLessThanOrEqual(64 + 256);
  });

  it('get-config-data asks for the envelope, then the whole buffer, and returns it filled', () => {
    const arg = Buffer.alloc(GET_CONFIG_DATA.size + 16);
    encode(GET_CONFIG_DATA, arg, { inOffset: 0, inLength: 16 });
    const { asked, outcome } = drive(dimm(1), ND_IOCTL_GET_CONFIG_DATA, arg);
    expect(asked).toEqual([4, 8, 12, 28]);
    expect(outcome).toMatchObject({ ret: 0 });
    const out = (outcome as { out: Buffer }).out;
    expect(out.length).toBe(28);
    expect(out.subarray(12, 18).toString('latin1')).toBe('label1');
  });

  it('SMART through ND_CMD_CALL returns 0 and the whole buffer', () => {
    const { outcome } = drive(dimm(0), ND_IOCTL_CALL, callPkg(0, INTEL_FN.SMART, 0, SMART.size));
    expect(outcome).toMatchObject({ ret: 0 });
    expect(decode(SMART, (outcome as { out: Buffer }).out, 64)).toMatchObject({ status: 0, health: 1, spares: 75 });
  });

  it('set-config-data is EBUSY while an enabled region holds the DIMM, allowed once it is disabled', () => {
    const arg = Buffer.alloc(SET_CONFIG_DATA.size + 4 + 4);
    encode(SET_CONFIG_DATA, arg, { inOffset: 0, inLength: 4 });
    arg.write('abcd', 8, 'latin1');
    expect(ret(dimm(0), ND_IOCTL_SET_CONFIG_DATA, arg)).toBe(-ERRNO.EBUSY);
    // The label write through ND_CMD_CALL function 6 meets the same rule (nfit_test then refuses the door).
    expect(ret(dimm(0), ND_IOCTL_CALL, callPkg(0, ND_CMD.SET_CONFIG_DATA, 12, 4))).toBe(-ERRNO.EBUSY);
    write('/sys/bus/nd/drivers/nd_region/unbind', 'region0\0');
    write('/sys/bus/nd/drivers/nd_region/unbind', 'region1\0');
    expect(ret(dimm(0), ND_IOCTL_SET_CONFIG_DATA, arg)).toBe(0);
    expect(system.dimms[0]!.platform.labels!.bytes.subarray(0, 6).toString('latin1')).toBe('abcdl0');
  });

  it('the provider hook sees the function number: only a bus call numbered 10 of a non-NFIT family is EOPNOTSUPP', () => {
    expect(ret(bus(0), ND_IOCTL_CALL, callPkg(1, 10, 0, 8))).toBe(-ERRNO.EOPNOTSUPP);
    expect(ret(bus(0), ND_IOCTL_CALL, callPkg(1, 1, 0, 40))).toBe(0); // businfo reaches the platform
  });

  it('an ARS start (function 2) is EBUSY on the bus while the boot scrub runs', () => {
    expect(ret(bus(0), iowr(ND_CMD.ARS_START, 32), Buffer.alloc(32))).toBe(-ERRNO.EBUSY);
  });

  it('nd_command is kept in an unsigned int: 2^32 + 1 is function 1 (SMART)', () => {
    const arg = callPkg(0, INTEL_FN.SMART, 0, SMART.size);
    encode(ND_CMD_PKG, arg, { command: (1n << 32n) | BigInt(INTEL_FN.SMART) });
    expect(drive(dimm(0), ND_IOCTL_CALL, arg).outcome).toMatchObject({ ret: 0 });
  });

  it('an output envelope further in than the caller may be asked for: EINVAL unless that range faults', () => {
    const MiB = 1024 * 1024;
    const head = callPkg(0, INTEL_FN.FW_GET_INFO, 0, 0);
    encode(ND_CMD_PKG, head, { sizeIn: 9 * MiB, sizeOut: 4 });
    const arg = Buffer.concat([head, Buffer.alloc(192)]);
    const asked: number[] = [];
    let outcome: IoctlOutcome;
    for (let sent = 0; ; sent = asked[asked.length - 1]!) {
      outcome = ndIoctl(system, dimm(0), ND_IOCTL_CALL, arg.subarray(0, sent), 8 * MiB);
      if (!('need' in outcome)) break;
      asked.push(outcome.need);
    }
    // The header, the input envelope (192 bytes), then nothing more is asked for.
    expect(asked).toEqual([64, 256]);
    expect(outcome).toEqual({ ret: -ERRNO.EINVAL, unlessFault: { offset: 64 + 9 * MiB, length: 4 } });
    // Within reach, the same bytes are simply asked for.
    encode(ND_CMD_PKG, head, { sizeIn: 5 * MiB, sizeOut: 4 });
    expect(ndIoctl(system, dimm(0), ND_IOCTL_CALL, Buffer.concat([head, Buffer.alloc(192)]), 8 * MiB)).toEqual({ need: 64 + 5 * MiB + 4 });
  });

  it('a size of UINT_MAX, given or computed, is "unknown": ENXIO for input, EFAULT for output', () => {
    expect(ret(dimm(0), ND_IOCTL_CALL, Buffer.concat([callPkg(0, INTEL_FN.FW_GET_INFO, 0, 0), Buffer.alloc(256)]).fill(0xff, 16, 20))).toBe(-ERRNO.ENXIO);
    expect(ret(dimm(0), ND_IOCTL_CALL, Buffer.concat([callPkg(0, INTEL_FN.FW_GET_INFO, 0, 0), Buffer.alloc(256)]).fill(0xff, 20, 24))).toBe(-ERRNO.EFAULT);
    const hdr = Buffer.alloc(16);
    hdr.writeUInt32LE(0xffff_ffff, 4);
    expect(ret(dimm(0), ND_IOCTL_GET_CONFIG_DATA, hdr)).toBe(-ERRNO.EFAULT);
    expect(ret(dimm(0), ND_IOCTL_SET_CONFIG_DATA, hdr)).toBe(-ERRNO.ENXIO);
    // ARS status out_length 7: 7 - 8 wraps to UINT_MAX.
    const ars = Buffer.alloc(256);
    ars.writeUInt32LE(7, 4);
    expect(ret(bus(0), iowr(ND_CMD.ARS_STATUS, 8), ars)).toBe(-ERRNO.EFAULT);
  });
});
