// The few ndctl operations the label tests need, done the way ndctl 76.1
// does them: label-area ioctls on /dev/nmemN through the libnvdimm core's
// ioctl path (so the core's checks apply), and enable/disable through the
// drivers' bind/unbind files.
import { ndIoctl, type ControlNode } from '../../src/nvdimm/nd-ioctl.js';
import type { NvdimmSystem } from '../../src/nvdimm/system.js';
import { GET_CONFIG_DATA, GET_CONFIG_SIZE, ND_CMD, SET_CONFIG_DATA } from '../../src/platform/nd-cmd-payloads.js';
import { decode, encode } from '../../src/platform/payload.js';
import type { SysfsVfs } from '../../src/sysfs/vfs.js';
import { initLabelsImage, sizeofNamespaceIndex, type LabelVersion } from './ndctl-labels.js';

/** _IOWR('N', nr, size), as include/uapi/linux/ndctl.h spells the ioctl numbers. */
const iowr = (nr: number, size: number) => (0xc0000000 | (size << 16) | (0x4e << 8) | nr) >>> 0;

/** One ioctl on /dev/nmemN with the whole argument at hand: its return value, the argument updated in place. */
export function dimmIoctl(system: NvdimmSystem, dimm: number, cmd: number, arg: Buffer): number {
  const node: ControlNode = { kind: 'dimm', minor: dimm, readOnly: false };
  const outcome = ndIoctl(system, node, iowr(cmd, 8), arg);
  if ('need' in outcome) throw new Error(`ioctl ${cmd} asked for ${outcome.need} of ${arg.length} bytes`);
  if ('out' in outcome) outcome.out?.copy(arg);
  return outcome.ret;
}

export function configSize(system: NvdimmSystem, dimm: number): { rc: number; configSize: number; maxXfer: number } {
  const arg = Buffer.alloc(GET_CONFIG_SIZE.size);
  const rc = dimmIoctl(system, dimm, ND_CMD.GET_CONFIG_SIZE, arg);
  const { configSize, maxXfer } = decode(GET_CONFIG_SIZE, arg);
  return { rc, configSize, maxXfer };
}

/** ndctl's cfg_read in max_xfer pieces. */
export function readConfig(system: NvdimmSystem, dimm: number, offset: number, length: number, maxXfer: number): Buffer {
  const out = Buffer.alloc(length);
  for (let done = 0; done < length; ) {
    const n = Math.min(maxXfer, length - done);
    const arg = Buffer.alloc(GET_CONFIG_DATA.size + n);
    encode(GET_CONFIG_DATA, arg, { inOffset: offset + done, inLength: n });
    const rc = dimmIoctl(system, dimm, ND_CMD.GET_CONFIG_DATA, arg);
    if (rc < 0) throw new Error(`get_config_data on nmem${dimm}: ${rc}`);
    arg.copy(out, done, GET_CONFIG_DATA.size);
    done += n;
  }
  return out;
}

/** ndctl's cfg_write in max_xfer pieces; the first failing ioctl's return value, else 0. */
export function writeConfig(system: NvdimmSystem, dimm: number, offset: number, bytes: Buffer, maxXfer: number): number {
  for (let done = 0; done < bytes.length; ) {
    const n = Math.min(maxXfer, bytes.length - done);
    const arg = Buffer.alloc(SET_CONFIG_DATA.size + n + 4);
    encode(SET_CONFIG_DATA, arg, { inOffset: offset + done, inLength: n });
    bytes.copy(arg, SET_CONFIG_DATA.size, done, done + n);
    const rc = dimmIoctl(system, dimm, ND_CMD.SET_CONFIG_DATA, arg);
    if (rc < 0) return rc;
    done += n;
  }
  return 0;
}

/**
 * ndctl_dimm_init_labels() on one DIMM: read the index area (with 128-byte
 * label geometry, the largest index), write both index blocks over it.
 * Returns the first ioctl failure, else 0.
 */
export function initLabels(system: NvdimmSystem, dimm: number, version: LabelVersion = '1.1'): number {
  const { rc, configSize: size, maxXfer } = configSize(system, dimm);
  if (rc < 0) return rc;
  const area = Buffer.alloc(size);
  readConfig(system, dimm, 0, sizeofNamespaceIndex(size, 128) * 2, maxXfer).copy(area);
  for (const { offset, bytes } of initLabelsImage(area, version)) {
    const w = writeConfig(system, dimm, offset, bytes, maxXfer);
    if (w < 0) return w;
  }
  return 0;
}

const O_WRONLY = 1;

/** echo <dev> > /sys/bus/nd/drivers/<driver>/{bind,unbind}, as util_bind()/util_unbind() do it (with the NUL). */
export function driverWrite(vfs: SysfsVfs, driver: string, op: 'bind' | 'unbind', dev: string): number {
  const h = vfs.open(`/sys/bus/nd/drivers/${driver}/${op}`, O_WRONLY);
  try {
    return vfs.write(h, Buffer.from(`${dev}\0`, 'latin1'));
  } finally {
    vfs.release(h);
  }
}

/** ndctl_region_disable(): unbind the region's enabled namespaces, then the region. */
export function disableRegion(vfs: SysfsVfs, region: number): void {
  for (const dev of vfs.readdir('/sys/bus/nd/drivers/nd_pmem')) if (dev.startsWith(`namespace${region}.`)) driverWrite(vfs, 'nd_pmem', 'unbind', dev);
  driverWrite(vfs, 'nd_region', 'unbind', `region${region}`);
}

/**
 * The capture's command sequence (commands.log 02a-02d): init-labels while
 * the regions are enabled (refused), disable-region (namespace first, then
 * the region), init-labels and init-labels -f (each DIMM's indexes written,
 * then the DIMM disabled and enabled so the kernel re-reads them), and
 * enable-region. Returns the label writes' results.
 */
export function initLabelsOnBus0(system: NvdimmSystem, vfs: SysfsVfs): { refused: number[]; written: number[] } {
  const dimms = [0, 1, 2, 3];
  const regions = [0, 1];
  const refused = dimms.map((d) => initLabels(system, d));
  for (const r of regions) disableRegion(vfs, r);
  const written: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const d of dimms) {
      written.push(initLabels(system, d));
      driverWrite(vfs, 'nvdimm', 'unbind', `nmem${d}`);
      driverWrite(vfs, 'nvdimm', 'bind', `nmem${d}`);
    }
  }
  for (const r of regions) driverWrite(vfs, 'nd_region', 'bind', `region${r}`);
  return { refused, written };
}
