// The DIMM device nmemN (drivers/nvdimm/dimm_devs.c) and the NFIT
// provider's nfit/ group for it (drivers/acpi/nfit/core.c).
import { KernelError } from '../kernel/errno.js';
import { bitNames, hexAlt, hexDigits, hexPadded, line, tokenList } from '../kernel/format.js';
import { sysfsStreq } from '../kernel/parse.js';
import type { PlatformDimm } from '../platform/nfit-platform.js';
import { NFIT_FLAG_NAMES } from '../topology/schema.js';
import { MODE, ro, rw, type AttributeGroup } from './attribute.js';
import type { NvdimmBus } from './bus.js';
import { ND_DEVICE, modalias, type DevT, type NdDevice } from './device.js';
import { FWA_CAP, FWA_RESULT_NAME, FWA_STATE, FWA_STATE_NAME } from './fw-ops.js';
import { IntelDimmFwOps } from './intel-fw-ops.js';
import type { NvdimmDrvdata } from './dimm-drvdata.js';
import { parseSecurityCommand } from './security-command.js';
import { DIMM_CMD_NAMES } from './nd-cmd-desc.js';

/** NVDIMM_INTEL_FW_ACTIVATE_CMDMASK: functions 29 and 30. */
const FW_ACTIVATE_FUNCTIONS = (1 << 29) | (1 << 30);

export class Nvdimm implements NdDevice {
  readonly name: string;
  readonly devtype = 'nvdimm';
  readonly modalias = modalias(ND_DEVICE.DIMM);
  /** Bound by NvdimmSystem through nvdimm_probe() when it registers the DIMM. */
  driver: string | null = null;
  /** NDD_LABELING (a valid label index was seen) and NDD_LOCKED (label commands said locked). */
  readonly flags = { labeling: false, locked: false };
  /** dev_get_drvdata(): present while the nvdimm driver is bound to a DIMM with a label area. */
  drvdata: NvdimmDrvdata | undefined;
  readonly cmdMask: number;
  readonly fwOps: IntelDimmFwOps | undefined;
  readonly firmwareVisible: boolean;
  /** NVDIMM_SECURITY_FROZEN, set by a "freeze" security command. */
  frozen = false;
  /** Enabled regions that currently hold this DIMM (nvdimm->busy). */
  busy = 0;

  constructor(
    readonly id: number,
    readonly bus: NvdimmBus,
    readonly platform: PlatformDimm,
    readonly devt: DevT,
  ) {
    this.name = `nmem${id}`;
    // Traces and injections name the DIMM as users know it.
    platform.devName = this.name;
    this.cmdMask = platform.cmdMask;
    const spec = platform.spec;
    const hasFwOps = bus.fwOps !== undefined && spec.family === 0 && (spec.dsmMask & FW_ACTIVATE_FUNCTIONS) === FW_ACTIVATE_FUNCTIONS;
    this.fwOps = hasFwOps && bus.fwOps ? new IntelDimmFwOps(platform, bus.fwOps) : undefined;
    // Decided once at registration, under the bus lock (nvdimm_visible).
    this.firmwareVisible = this.fwOps !== undefined && bus.fwOps !== undefined && bus.fwOps.capability() >= FWA_CAP.QUIESCE;
  }

  get spec() {
    return this.platform.spec;
  }

  /**
   * nvdimm_ctl(): a DSM call to this DIMM's platform firmware; 0 or a
   * negative errno, the payload holding input then output bytes.
   */
  ctl(family: number, fn: number, payload: Buffer): number {
    return this.platform.call(family, fn, payload);
  }

  /** NDD_LABELING: some probe found a valid namespace index; it is never cleared. */
  get labeling(): boolean {
    return this.flags.labeling;
  }
}

/** nvdimm_attribute_group */
const dimmGroup: AttributeGroup<Nvdimm> = {
  attrs: [
    ro('state', (d) => (d.busy > 0 ? 'active\n' : 'idle\n')),
    ro('flags', (d) => `${d.flags.labeling ? 'label ' : ''}${d.flags.locked ? 'lock ' : ''}\n`),
    ro('commands', (d) => tokenList(bitNames(d.cmdMask, DIMM_CMD_NAMES))),
    ro('available_slots', (d) => {
      // __available_slots_show(): no drvdata without the nvdimm driver or without label support.
      if (!d.drvdata) throw new KernelError('ENXIO');
      // One slot is always held back for label updates ("we ate our last label?" at 0).
      const nfree = d.drvdata.nfree();
      return line(nfree === 0 ? 0 : nfree - 1);
    }),
    rw(
      'security',
      // nfit_test's security_show re-polls the firmware on every read.
      (d) => line(d.platform.security ?? ''),
      (d, buf, count) => {
        // drivers/nvdimm/security.c nvdimm_security_store(): a command word,
        // then key serial numbers. ndsim has no kernel keyring, so only the
        // key-less "freeze" can succeed; the others fail as a missing key does.
        const { op } = parseSecurityCommand(buf);
        if (op === 'freeze') {
          d.frozen = true;
          return count;
        }
        if (d.frozen) throw new KernelError('EIO');
        throw new KernelError('ENOKEY');
      },
    ),
    ro('frozen', (d) => (d.frozen ? '1\n' : '0\n')),
  ],
  isVisible: (d, attr) => {
    if (attr.name === 'security' || attr.name === 'frozen') return d.spec.security ? attr.mode : 0;
    return attr.mode;
  },
};

function requireDimmFwOps(d: Nvdimm): IntelDimmFwOps {
  if (!d.fwOps) throw new KernelError('EOPNOTSUPP');
  return d.fwOps;
}

/** nvdimm_firmware_attribute_group; reads and writes run under the bus lock. */
const firmwareGroup: AttributeGroup<Nvdimm> = {
  name: 'firmware',
  attrs: [
    rw(
      'activate',
      (d) => {
        // dimm_devs.c activate_show knows no overflow: a DIMM never reports one.
        const state = requireDimmFwOps(d).activateState();
        const name = state === FWA_STATE.ARM_OVERFLOW ? undefined : FWA_STATE_NAME[state];
        if (!name) throw new KernelError('ENXIO');
        return line(name);
      },
      (d, buf, count) => {
        const ops = requireDimmFwOps(d);
        let arm: boolean;
        if (sysfsStreq(buf, 'arm')) arm = true;
        else if (sysfsStreq(buf, 'disarm')) arm = false;
        else throw new KernelError('EINVAL');
        // dimm_devs.c activate_store: any non-negative arm() result is the whole write.
        const rc = ops.arm(arm);
        if (rc < 0) throw KernelError.fromErrno(-rc);
        return count;
      },
      MODE.ADMIN_RW,
    ),
    ro(
      'result',
      (d) => {
        const name = FWA_RESULT_NAME[requireDimmFwOps(d).activateResult()];
        if (!name) throw new KernelError('ENXIO');
        return line(name);
      },
      MODE.ADMIN_RO,
    ),
  ],
  isVisible: (d, attr) => (d.firmwareVisible ? attr.mode : 0),
};

function dcrOf(d: Nvdimm) {
  const dcr = d.spec.dcr;
  if (!dcr) throw new KernelError('ENXIO');
  return dcr;
}

function familyOf(d: Nvdimm): number {
  if (d.spec.family === undefined) throw new KernelError('ENXIO');
  return d.spec.family;
}

/** The attributes nfit shows even without a control region. */
const WITHOUT_DCR = new Set(['handle', 'phys_id', 'flags', 'family', 'dsm_mask']);

/** acpi_nfit_dimm_attribute_group */
const nfitGroup: AttributeGroup<Nvdimm> = {
  name: 'nfit',
  attrs: [
    ro('handle', (d) => line(hexAlt(d.spec.handle))),
    ro('phys_id', (d) => line(hexAlt(d.spec.physId))),
    ro('vendor', (d) => line(hexPadded(dcrOf(d).vendor, 4))),
    ro('device', (d) => line(hexPadded(dcrOf(d).device, 4))),
    ro('rev_id', (d) => line(hexPadded(dcrOf(d).revision, 4))),
    ro('subsystem_vendor', (d) => line(hexPadded(dcrOf(d).subsystemVendor, 4))),
    ro('subsystem_device', (d) => line(hexPadded(dcrOf(d).subsystemDevice, 4))),
    ro('subsystem_rev_id', (d) => line(hexPadded(dcrOf(d).subsystemRevision, 4))),
    ro('format', (d) => line(hexPadded(dcrOf(d).format, 4))),
    ro('formats', (d) => line(d.spec.pmem ? 1 : 0)),
    // A second interface code never exists since BLK support was removed.
    ro('format1', () => {
      throw new KernelError('ENXIO');
    }),
    ro('serial', (d) => line(hexPadded(dcrOf(d).serial, 8))),
    ro('flags', (d) => tokenList(NFIT_FLAG_NAMES.filter((f) => d.spec.nfitFlags.includes(f)))),
    ro('id', (d) => {
      const dcr = dcrOf(d);
      const mfg = dcr.manufacturing;
      if (mfg) return line(`${hexDigits(dcr.vendor, 4)}-${hexDigits(mfg.location, 2)}-${hexDigits(mfg.date, 4)}-${hexDigits(dcr.serial, 8)}`);
      return line(`${hexDigits(dcr.vendor, 4)}-${hexDigits(dcr.serial, 8)}`);
    }),
    ro('family', (d) => line(familyOf(d))),
    ro('dsm_mask', (d) => {
      familyOf(d);
      return line(hexAlt(d.spec.dsmMask));
    }),
    ro('dirty_shutdown', (d) => line(d.spec.dirtyShutdown ?? 0)),
  ],
  isVisible: (d, attr) => {
    if (!d.spec.dcr && !WITHOUT_DCR.has(attr.name)) return 0;
    if (attr.name === 'format1') return 0;
    if (attr.name === 'dirty_shutdown' && d.spec.dirtyShutdown === undefined) return 0;
    return attr.mode;
  },
};

export const DIMM_ATTRIBUTE_GROUPS: readonly AttributeGroup<Nvdimm>[] = [dimmGroup, firmwareGroup, nfitGroup];
