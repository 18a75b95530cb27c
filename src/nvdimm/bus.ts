// The libnvdimm bus device ndbusN (drivers/nvdimm/bus.c, core.c) with the
// NFIT provider's nfit/ group (drivers/acpi/nfit/core.c, intel.c).
import type { Clock } from '../clock/clock.js';
import { ERRNO, KernelError } from '../kernel/errno.js';
import { bitNames, hexAlt, line, tokenList } from '../kernel/format.js';
import { kstrtobool, kstrtosigned, sysfsStreq } from '../kernel/parse.js';
import type { PlatformBus } from '../platform/nfit-platform.js';
import { BUS_COMMAND_NAMES } from '../topology/schema.js';
import { MODE, ro, rw, settle, type AttributeGroup } from './attribute.js';
import { ND_DEVICE, modalias, type DevT, type NdDevice } from './device.js';
import { FWA_CAP, FWA_STATE, FWA_STATE_NAME } from './fw-ops.js';
import { IntelBusFwOps } from './intel-fw-ops.js';
import type { NdRegion } from './region.js';
import { BUS_CMD_NAMES } from './nd-cmd-desc.js';
import { ScrubState } from './scrub.js';
import { hibernateQuietExec } from './hibernate-quiet-exec.js';

/** Bus command numbers (ND_CMD_*) by the names the commands attribute prints. */
const BUS_CMD_BIT = Object.fromEntries(Object.entries(BUS_CMD_NAMES).map(([b, n]) => [n, Number(b)])) as Record<(typeof BUS_COMMAND_NAMES)[number], number>;

export class NvdimmBus implements NdDevice {
  readonly name: string;
  readonly devtype = undefined;
  readonly modalias = modalias(ND_DEVICE.BUS);
  readonly devt = undefined;
  driver: string | null = 'nd_bus';
  readonly cmdMask: number;
  readonly fwOps: IntelBusFwOps | undefined;
  readonly scrub: ScrubState | undefined;
  hwErrorScrub = 0;
  /** The firmware/ attributes' visibility, decided once when the bus registers. */
  readonly firmwareVisible: boolean;
  /** The bus's regions, for walks over its children (nd_is_uuid_unique). */
  readonly regions: NdRegion[] = [];
  /** Reports a change in the set of devices below the bus; NvdimmSystem bumps its generation. */
  changed: () => void = () => {};

  constructor(
    readonly id: number,
    readonly platform: PlatformBus,
    /** The ndctlN class device's devt. */
    readonly ctlDevt: DevT,
    clock: Clock,
  ) {
    this.name = `ndbus${id}`;
    // Traces and injections name the bus as users know it.
    platform.devName = this.name;
    this.cmdMask = platform.spec.nfit.commands.reduce((m, c) => m | (1 << BUS_CMD_BIT[c]), 0);
    this.fwOps = platform.activation ? new IntelBusFwOps(platform) : undefined;
    this.scrub = this.arsSupported ? new ScrubState(clock, platform.spec.nfit.initialScrubMs) : undefined;
    this.firmwareVisible = this.fwOps !== undefined && this.fwOps.capability() >= FWA_CAP.QUIESCE;
  }

  get provider(): string {
    return this.platform.spec.provider;
  }

  /** nfit's ars_supported(): ars_cap, ars_start and ars_status all present. */
  get arsSupported(): boolean {
    const need = (1 << 1) | (1 << 2) | (1 << 3);
    return (this.cmdMask & need) === need;
  }

  get ctlName(): string {
    return `ndctl${this.id}`;
  }
}

function requireFwOps(bus: NvdimmBus): IntelBusFwOps {
  if (!bus.fwOps) throw new KernelError('EOPNOTSUPP');
  return bus.fwOps;
}

/** nvdimm_bus_attribute_group */
const busGroup: AttributeGroup<NvdimmBus> = {
  attrs: [
    ro('commands', (b) => tokenList(bitNames(b.cmdMask, BUS_CMD_NAMES))),
    // wait_probe flushes probing; ndsim registers synchronously, so it only answers.
    ro('wait_probe', () => '1\n'),
    ro('provider', (b) => line(b.provider)),
  ],
};

/** drivers/nvdimm/core.c nvdimm_bus_firmware_attribute_group */
const firmwareGroup: AttributeGroup<NvdimmBus> = {
  name: 'firmware',
  attrs: [
    rw(
      'activate',
      (b) => {
        const ops = requireFwOps(b);
        const cap = ops.capability();
        const state = ops.activateState();
        if (cap < FWA_CAP.QUIESCE) throw new KernelError('EOPNOTSUPP');
        const name = FWA_STATE_NAME[state];
        if (!name) throw new KernelError('ENXIO');
        return line(name);
      },
      (b, buf, count) => {
        const ops = requireFwOps(b);
        // Capability is not consulted: "live" on a quiesce platform is the
        // documented "assume the risk" override (core.c activate_store).
        const quiesce = sysfsStreq(buf, 'quiesce');
        if (!quiesce && !sysfsStreq(buf, 'live')) throw new KernelError('EINVAL');
        const state = ops.activateState();
        let rc: number;
        if (state === FWA_STATE.BUSY) rc = -ERRNO.EBUSY;
        else if (state !== FWA_STATE.ARMED && state !== FWA_STATE.ARM_OVERFLOW) rc = -ERRNO.ENXIO;
        else if (quiesce) rc = hibernateQuietExec(b.platform.machine, b.platform.tracer, () => ops.activate());
        else rc = ops.activate();
        return settle(rc, count);
      },
      MODE.ADMIN_RW,
    ),
    ro('capability', (b) => {
      const cap = requireFwOps(b).capability();
      if (cap === FWA_CAP.QUIESCE) return 'quiesce\n';
      if (cap === FWA_CAP.LIVE) return 'live\n';
      throw new KernelError('EOPNOTSUPP');
    }),
  ],
  isVisible: (b, attr) => (b.firmwareVisible ? attr.mode : 0),
};


/** drivers/acpi/nfit/core.c acpi_nfit_attribute_group */
const nfitGroup: AttributeGroup<NvdimmBus> = {
  name: 'nfit',
  attrs: [
    ro('revision', (b) => line(b.platform.spec.nfit.revision)),
    rw(
      'scrub',
      (b) => {
        if (!b.scrub) throw new KernelError('ENXIO');
        if (b.driver === null) throw new KernelError('ENXIO');
        return b.scrub.show();
      },
      (b, buf, count) => {
        if (kstrtosigned(buf) !== 1n) throw new KernelError('EINVAL');
        if (!b.scrub) throw new KernelError('ENOTTY');
        b.scrub.start();
        return count;
      },
    ),
    rw(
      'hw_error_scrub',
      (b) => line(b.hwErrorScrub),
      (b, buf, count) => {
        const v = kstrtosigned(buf);
        if (v !== 0n && v !== 1n) throw new KernelError('EINVAL');
        b.hwErrorScrub = Number(v);
        return count;
      },
    ),
    ro('dsm_mask', (b) => line(hexAlt(b.platform.spec.nfit.dsmMask))),
    rw(
      'firmware_activate_noidle',
      (b) => (requireFwOps(b).noidle ? 'Y\n' : 'N\n'),
      (b, buf, count) => {
        requireFwOps(b).setNoidle(kstrtobool(buf));
        return count;
      },
    ),
  ],
  isVisible: (b, attr) => {
    if (attr.name === 'scrub') return b.arsSupported ? attr.mode : 0;
    // intel_fwa_supported(): the Intel bus DSM family is implemented.
    if (attr.name === 'firmware_activate_noidle') return b.fwOps ? attr.mode : 0;
    return attr.mode;
  },
};

export const BUS_ATTRIBUTE_GROUPS: readonly AttributeGroup<NvdimmBus>[] = [busGroup, firmwareGroup, nfitGroup];
