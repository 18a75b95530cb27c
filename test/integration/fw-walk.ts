// What ndctl 76.1 does to the firmware-activation files during the captured
// walk (../shared/reference/ndctl-usage.md, kernel-abi.md §3.4), replayed
// through the mount. Firmware staging goes through ndsim's control file,
// which issues the same DSM sequence ndctl's update-firmware does.
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { readAttr, writeAttr, type IoResult } from './fsio.js';

export const BUS0 = '/sys/bus/nd/devices/ndbus0';

export class FwWalk {
  constructor(readonly mnt: string) {}

  path(p: string): string {
    return join(this.mnt, p);
  }

  async read(p: string): Promise<string> {
    const r = await readAttr(this.path(p));
    if (!r.ok) throw new Error(`read ${p}: ${r.code}`);
    return r.value;
  }

  async write(p: string, data: string): Promise<IoResult> {
    return writeAttr(this.path(p), data);
  }

  async advance(ms: number): Promise<void> {
    const r = await this.write('/.ndsim/clock', `advance ${ms}`);
    if (!r.ok) throw new Error(`clock: ${r.code}`);
  }

  busState(): Promise<string> {
    return this.read(`${BUS0}/firmware/activate`).then((s) => s.trim());
  }

  /** ndctl's DIMM order: readdir order of the bus directory, each prepended to its list. */
  async dimmOrder(): Promise<string[]> {
    // opendir, not readdir: libuv's scandir sorts names, readdir(3) does not.
    const names: string[] = [];
    for await (const entry of await opendir(this.path(BUS0))) names.push(entry.name);
    return names.filter((n) => /^nmem\d+$/.test(n)).reverse();
  }

  /** update-firmware's arm step: skip into overflow unless forced; back out if arming tripped it. */
  async arm(dimm: string, force = false): Promise<'armed' | 'skipped' | 'aborted'> {
    const state = await this.busState();
    if (state === 'overflow' && !force) return 'skipped';
    const r = await this.write(`${BUS0}/${dimm}/firmware/activate`, 'arm\0');
    if (!r.ok) throw new Error(`arm ${dimm}: ${r.code}`);
    if (!force && (await this.busState()) === 'overflow') {
      await this.write(`${BUS0}/${dimm}/firmware/activate`, 'disarm\0');
      return 'aborted';
    }
    return 'armed';
  }

  async disarm(dimm: string): Promise<void> {
    const r = await this.write(`${BUS0}/${dimm}/firmware/activate`, 'disarm\0');
    if (!r.ok) throw new Error(`disarm ${dimm}: ${r.code}`);
  }

  /** update-firmware -f IMG DIMM: stage, wait out the verify time, query, arm. */
  async updateFirmware(dimm: string): Promise<IoResult> {
    const staged = await this.write(`/.ndsim/firmware/${dimm}`, 'stage');
    if (!staged.ok) return staged;
    await this.advance(1000);
    const queried = await this.write(`/.ndsim/firmware/${dimm}`, 'query');
    if (!queried.ok) return queried;
    await this.arm(dimm);
    return queried;
  }

  /** activate-firmware [--force]: refuse unless armed/overflow, then write live (or quiesce). */
  async activateFirmware(force: boolean): Promise<IoResult | 'no devices armed'> {
    const cap = (await this.read(`${BUS0}/firmware/capability`)).trim();
    const state = await this.busState();
    if (state !== 'armed' && state !== 'overflow') return 'no devices armed';
    const method = cap === 'quiesce' && !force ? 'quiesce' : 'live';
    return this.write(`${BUS0}/firmware/activate`, `${method}\n\0`);
  }

  /** The files of a fw-states.txt line, read in the capture's order. */
  async stateLine(dimms: readonly string[]): Promise<string> {
    const parts: string[] = [];
    const read = async (label: string, p: string) => parts.push(`${label}=${(await this.read(p)).trim()}`);
    await read('ndbus0/activate', `${BUS0}/firmware/activate`);
    await read('ndbus0/capability', `${BUS0}/firmware/capability`);
    await read('ndbus0/firmware_activate_noidle', `${BUS0}/nfit/firmware_activate_noidle`);
    for (const d of dimms) {
      await read(`${d}/activate`, `${BUS0}/${d}/firmware/activate`);
      await read(`${d}/result`, `${BUS0}/${d}/firmware/result`);
    }
    return parts.join(' ');
  }
}
