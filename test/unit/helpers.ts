// Shared helpers for the unit tests: a platform on a virtual clock, encoded
// DSM calls, a firmware update driven through the DSMs as ndctl does, and
// file operations on the in-process vfs with errno capture.
import { VirtualClock } from '../../src/clock/clock.js';
import { createSimulation, type Simulation } from '../../src/daemon/daemon.js';
import { isKernelError } from '../../src/kernel/errno.js';
import { FW_FINISH, FW_QUERY, FW_SEND_HEADER, FW_START, INTEL_FN } from '../../src/platform/intel-payloads.js';
import { NfitPlatform, NVDIMM_FAMILY_INTEL, type PlatformDimm } from '../../src/platform/nfit-platform.js';
import { build, decode, encode } from '../../src/platform/payload.js';
import { ND_CMD_PKG } from '../../src/platform/nd-cmd-payloads.js';
import { loadTopology } from '../../src/topology/load.js';

import { O_RDONLY, O_WRONLY } from '../../src/kernel/open-flags.js';

export { O_RDONLY, O_RDWR, O_WRONLY } from '../../src/kernel/open-flags.js';

export interface TestPlatform {
  clock: VirtualClock;
  platform: NfitPlatform;
}

/** A fresh nfit_test platform on its own virtual clock (nothing shared between tests). */
export function makePlatform(topology = 'nfit_test'): TestPlatform {
  const clock = new VirtualClock();
  return { clock, platform: new NfitPlatform(loadTopology(topology), clock) };
}

/** A firmware send-data payload: header, `length` data bytes, then the status word. */
export function sendPayload(context: number, offset: number, length: number, extra = 4): Buffer {
  const p = Buffer.alloc(FW_SEND_HEADER.size + length + extra);
  encode(FW_SEND_HEADER, p, { context, offset, length });
  return p;
}

/** The status word after data[length] in a send-data payload. */
export function sendStatus(p: Buffer): number {
  const { length } = decode(FW_SEND_HEADER, p);
  return p.readUInt32LE(FW_SEND_HEADER.size + length);
}

/** Call an Intel DIMM DSM and insist that the call itself succeeded. */
export function dimmCall(dimm: PlatformDimm, fn: number, payload: Buffer): Buffer {
  const rc = dimm.call(NVDIMM_FAMILY_INTEL, fn, payload);
  if (rc !== 0) throw new Error(`DSM ${fn} on handle ${dimm.handle}: rc ${rc}`);
  return payload;
}

/**
 * A whole update as ndctl update-firmware drives it: start, send, finish,
 * wait out the verify time on the virtual clock, finish-query. Leaves the
 * DIMM's image UPDATED (staged); returns the context used.
 */
export function stageFirmware(dimm: PlatformDimm, clock: VirtualClock, bytes = 0x1000): number {
  const start = decode(FW_START, dimmCall(dimm, INTEL_FN.FW_START_UPDATE, build(FW_START)));
  if (start.status !== 0) throw new Error(`start: status ${start.status.toString(16)}`);
  const send = dimmCall(dimm, INTEL_FN.FW_SEND_DATA, sendPayload(start.context, 0, bytes));
  if (sendStatus(send) !== 0) throw new Error(`send: status ${sendStatus(send).toString(16)}`);
  const finish = decode(FW_FINISH, dimmCall(dimm, INTEL_FN.FW_FINISH_UPDATE, build(FW_FINISH, { ctrlFlags: 0, context: start.context })));
  if (finish.status !== 0) throw new Error(`finish: status ${finish.status.toString(16)}`);
  clock.advance(dimm.firmware.spec.verifyMs);
  const query = decode(FW_QUERY, dimmCall(dimm, INTEL_FN.FW_FINISH_QUERY, build(FW_QUERY, { context: start.context })));
  if (query.status !== 0) throw new Error(`query: status ${query.status.toString(16)}`);
  return start.context;
}

/** The errno a throwing call failed with; fails the test when it did not throw a KernelError. */
export function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (isKernelError(e)) return e.errno;
    throw e;
  }
  throw new Error('expected a KernelError, but the call succeeded');
}

/** A simulation (nfit_test unless named) with its clock typed as the virtual clock it is. */
export function makeSimulation(topology = 'nfit_test'): Simulation & { clock: VirtualClock } {
  const sim = createSimulation(topology, 'virtual');
  if (!(sim.clock instanceof VirtualClock)) throw new Error('expected a virtual clock');
  return sim as Simulation & { clock: VirtualClock };
}

/** Sysfs file access through the vfs, the way a process does it: open, one syscall, close. */
export class SysfsClient {
  constructor(readonly sim: Simulation) {}

  /** One write(2) of exactly these bytes; returns write's result or throws the KernelError. */
  write(path: string, data: string | Buffer): number {
    const h = this.sim.vfs.open(path, O_WRONLY);
    try {
      return this.sim.vfs.write(h, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    } finally {
      this.sim.vfs.release(h);
    }
  }

  read(path: string): string {
    const h = this.sim.vfs.open(path, O_RDONLY);
    try {
      return this.sim.vfs.read(h, 4096, 0).toString('latin1');
    } finally {
      this.sim.vfs.release(h);
    }
  }

  /** errno of a failing write (open or write(2)); throws if it succeeded. */
  writeErrno(path: string, data: string | Buffer): number {
    return errnoOf(() => this.write(path, data));
  }

  readErrno(path: string): number {
    return errnoOf(() => this.read(path));
  }
}

/** Real device paths of nfit_test.0 (the /sys/bus/nd/devices entries are symlinks the vfs does not follow). */
export const NDBUS0 = '/sys/devices/platform/nfit_test.0/ndbus0';
export const nmemPath = (n: number) => `${NDBUS0}/nmem${n}`;

/** An ND_CMD_CALL buffer: the nd_cmd_pkg header, then size_in + size_out zeroed payload bytes. */
export function callPkg(family: number, fn: number, sizeIn: number, sizeOut: number): Buffer {
  const buf = Buffer.alloc(ND_CMD_PKG.size + sizeIn + sizeOut);
  encode(ND_CMD_PKG, buf, { family: BigInt(family), command: BigInt(fn), sizeIn, sizeOut });
  return buf;
}
