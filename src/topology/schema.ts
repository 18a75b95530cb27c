// The topology file format: what a platform's NFIT and its DSM firmware
// declare. Everything the kernel derives (device names, commands of a DIMM,
// interleave-set cookies, label geometry) is computed, not listed here.
import { z } from 'zod';
import { ERRNO, type ErrnoName } from '../kernel/errno.js';

/**
 * A 64-bit quantity: a YAML integer, or a string in C notation for values
 * past 2^53 (a larger YAML number has already lost its low bits, so it is
 * refused rather than silently rounded).
 */
const C_INTEGER = /^(0x[0-9a-fA-F]+|[0-9]+)$/;
const u64 = z
  .union([
    // The bound before int(), whose own safe-integer check says less.
    z.number().nonnegative().max(Number.MAX_SAFE_INTEGER, 'past 2^53 a YAML number loses precision: quote it ("0x...")').int(),
    z
      .string()
      .regex(C_INTEGER, 'expected a decimal or 0x-hex integer')
      // zod runs every check: this one must not choke on what the regex refused.
      .refine((v) => !C_INTEGER.test(v) || BigInt(v) <= 0xffff_ffff_ffff_ffffn, 'does not fit in 64 bits'),
  ])
  .transform((v) => BigInt(v));
const u32 = z.number().int().min(0).max(0xffff_ffff);
/** A NUMA node id as the kernel prints it (%d; -1 is NUMA_NO_NODE). */
const nodeId = z.number().int().min(-1).max(0x7fff_ffff);
/** A device major (12 bits of a dev_t). */
const major = z.number().int().positive().max(4095);
const u16 = z.number().int().min(0).max(0xffff);
const u8 = z.number().int().min(0).max(0xff);

/** Bits of the NFIT memory-device state flags (ACPI 6.x, table 5-134), by the names nfit/flags prints. */
export const NFIT_FLAG_NAMES = ['save_fail', 'restore_fail', 'flush_fail', 'not_armed', 'smart_event', 'smart_notify', 'map_fail'] as const;
/** A DIMM's answer to an activation it took part in (DIMM info result codes 2-7). */
export const ACTIVATION_OUTCOMES = ['success', 'need_reset', 'media_failed', 'abort', 'not_supported', 'error'] as const;

export const BUS_COMMAND_NAMES = ['ars_cap', 'ars_start', 'ars_status', 'clear_error', 'cmd_call'] as const;

const platformParent = z.strictObject({
  kind: z.literal('platform'),
  name: z.string().min(1),
  driver: z.string().min(1),
  /** nfit_test registers one nfit_test_dimm class device per DIMM slot. */
  testDimms: z.boolean().default(false),
});

const acpiChild = z.strictObject({ name: z.string().min(1), adr: u32, path: z.string().min(1) });
const acpiParent = z.strictObject({
  kind: z.literal('acpi'),
  name: z.string().min(1),
  path: z.string().min(1),
  children: z.array(acpiChild).default([]),
});

const firmwareUpdate = z.strictObject({
  storageSize: u32.default(0x100000),
  maxSendLen: u32.default(0xffec),
  queryIntervalUs: u32.default(250000),
  maxQueryTimeUs: u32.default(3000000),
  fisVersion: u32.default(0x0105),
  runVersion: u64.default(0n),
  /** What get-info reports as updated_version once an image has verified. */
  stagedVersion: u64.default(0xffffffffabcdn),
  /** finish → verify completes after this long (nfit_test: 1 s). */
  verifyMs: u32.default(1000),
});

const dimm = z.strictObject({
  handle: u32,
  physId: u16,
  /** false: a DIMM slot the platform knows but no nmem is registered for (a hot-plug slot). */
  registered: z.boolean().default(true),
  dcr: z
    .strictObject({
      vendor: u16,
      device: u16.default(0),
      revision: u16.default(0),
      subsystemVendor: u16.default(0),
      subsystemDevice: u16.default(0),
      subsystemRevision: u16.default(0),
      format: u16,
      serial: u32,
      manufacturing: z.strictObject({ location: u8, date: u16 }).optional(),
    })
    .optional(),
  /** NFIT memdev state flags collated over the DIMM's memdevs. */
  nfitFlags: z.array(z.enum(NFIT_FLAG_NAMES)).default([]),
  /** Whether the DIMM has a PMEM memdev (nfit/formats). */
  pmem: z.boolean().default(true),
  family: z.number().int().min(0).max(4).optional(),
  dsmMask: u32.default(0),
  dirtyShutdown: u32.optional(),
  security: z.enum(['disabled', 'unlocked', 'locked']).optional(),
  labelArea: z
    .strictObject({
      size: u32,
      maxXfer: u32.default(4096),
      /** Text the platform leaves at offset 0 of a fresh area (nfit_test: "label<N>"). */
      initial: z.string().default(''),
    })
    .optional(),
  /**
   * false for DIMMs whose provider refuses ND_CMD_CALL outright: nfit_test
   * serves it only on nfit_test.0 and answers -EINVAL (with a WARN) elsewhere.
   */
  ndCmdCall: z.boolean().default(true),
  firmware: firmwareUpdate.default(firmwareUpdate.parse({})),
  /** How this DIMM answers an activation it is armed for, once its image has verified. */
  activationOutcome: z.enum(ACTIVATION_OUTCOMES).default('success'),
});

const mapping = z.strictObject({
  dimm: u32,
  dpa: u64,
  size: u64,
  /** NFIT memdev region_offset: feeds the interleave-set cookie. */
  regionOffset: u64.default(0n),
});

const region = z.strictObject({
  rangeIndex: u16,
  type: z.enum(['pmem', 'volatile']).default('pmem'),
  spa: u64,
  size: u64,
  mappings: z.array(mapping).default([]),
  persistenceDomain: z.enum(['cpu_cache', 'memory_controller']).optional(),
  flushHints: z.boolean().default(false),
  numaNode: nodeId.default(0),
  targetNode: nodeId.nullable().default(0),
});

/** Businfo capability bits (ND_INTEL_BUS_FWA_CAP_*); none of the quiesce bits: firmware/ hidden, "requires a platform reset". */
export const ACTIVATION_CAPABILITIES = ['fwquiesce', 'osquiesce', 'reset'] as const;

const activation = z.strictObject({
  /** Capability bits the platform reports in businfo: FWQUIESCE → "quiesce", else OSQUIESCE → "live", else absent. */
  capability: z.array(z.enum(ACTIVATION_CAPABILITIES)),
  /** businfo activate_tmo: this much per armed DIMM (µs). */
  activateTmoUs: u32.default(1_000_000),
  /** businfo cpu_quiesce_tmo / io_quiesce_tmo per armed DIMM (µs); default: activateTmoUs. */
  cpuQuiesceTmoUs: u32.optional(),
  ioQuiesceTmoUs: u32.optional(),
  /** businfo max_quiesce_tmo (µs): more than this armed → "overflow". */
  maxQuiesceTmoUs: u32.min(1).default(3_000_000),
  /** The bus reads busy for this long after an activation. */
  busyMs: u32.default(3000),
  /**
   * Whether the platform honours iodev_state OS_IDLE (the OS vouches that
   * devices are idle; nfit/firmware_activate_noidle = Y). false: such an
   * activation is refused with status NOIDLE and nothing changes.
   */
  noidle: z.boolean().default(true),
  /**
   * What the platform does when a device still doing DMA cannot stretch its
   * PCIe completion timeout over the quiesce: refuse the activation (status
   * ABORT, every armed DIMM's result "fail"), or go through and let the
   * device take the completion timeout.
   */
  onCompletionTimeout: z.enum(['abort', 'proceed']).default('abort'),
});

/**
 * The rest of the machine, as the freeze of a "quiesce" activation
 * (kernel/power/hibernate.c hibernate_quiet_exec) and the platform's
 * quiesce rules see it.
 */
const processActor = z.strictObject({
  name: z.string().min(1),
  /** A kernel thread is frozen by freeze_kernel_threads, after the user tasks. */
  kernelThread: z.boolean().default(false),
  /** false: the task never reaches the refrigerator (uninterruptible sleep) → freezing fails EBUSY. */
  freezable: z.boolean().default(true),
  /** Longest stall the task tolerates on its I/O (µs); a longer quiesce is a missed deadline. */
  ioDeadlineUs: u32.min(1).optional(),
});

const deviceActor = z.strictObject({
  name: z.string().min(1),
  /** Whether the device masters DMA into memory. */
  dma: z.boolean().default(true),
  /**
   * The driver's freeze callback: "ok" stops the device's DMA, "keeps-dma"
   * succeeds but the device keeps transferring (an RDMA adapter serving
   * remote peers), "fails" returns freezeErrno and aborts the freeze.
   */
  freeze: z.enum(['ok', 'keeps-dma', 'fails']).default('ok'),
  freezeErrno: z.enum(Object.keys(ERRNO) as [ErrnoName, ...ErrnoName[]]).default('EBUSY'),
  /** PCIe: the longest completion timeout the device can be programmed to (µs). */
  completionTimeoutUs: u32.min(1).optional(),
});

const machine = z.strictObject({
  /** Another hibernation or a /dev/snapshot user holds hibernation: hibernate_acquire fails EBUSY. */
  hibernationBusy: z.boolean().default(false),
  processes: z.array(processActor).default([]),
  devices: z.array(deviceActor).default([]),
});

const bus = z.strictObject({
  provider: z.string().min(1),
  parent: z.discriminatedUnion('kind', [platformParent, acpiParent]),
  nfit: z.strictObject({
    revision: u8,
    commands: z.array(z.enum(BUS_COMMAND_NAMES)),
    dsmMask: u32.default(0),
    /** The ARS that nfit starts at probe completes after this long. */
    initialScrubMs: u32.default(1000),
    /**
     * Whose ctl answers the DSM calls: ACPI's acpi_nfit_ctl (any function in
     * dsm_mask, classic commands mapped 1:1) or nfit_test's nfit_test_ctl
     * (ND_CMD_CALL for everything but the label commands, which only come
     * as classic ioctls; dsm_mask not consulted for ND_CMD_CALL).
     */
    ctl: z.enum(['acpi', 'nfit_test']).default('acpi'),
  }),
  activation: activation.optional(),
  dimms: z.array(dimm).default([]),
  regions: z.array(region).default([]),
});

export const topologySchema = z
  .strictObject({
    description: z.string().min(1),
    majors: z
      .strictObject({ ndctl: major, dimmctl: major, block: major })
      .default({ ndctl: 246, dimmctl: 245, block: 259 }),
    buses: z.array(bus).min(1),
    /**
     * Order in which the pmem block devices registered (asynchronous probe):
     * region ids; block minors and diskseq follow it. Default: region order.
     */
    blockDeviceOrder: z.array(u32).optional(),
    machine: machine.default(machine.parse({})),
  })
  .superRefine((topo, ctx) => {
    // Reports, traces and scenarios name actors: each name says one thing.
    const names = new Set<string>();
    (['processes', 'devices'] as const).forEach((kind) =>
      topo.machine[kind].forEach((a, i) => {
        if (names.has(a.name)) ctx.addIssue({ code: 'custom', message: `duplicate actor name ${a.name}`, path: ['machine', kind, i, 'name'] });
        names.add(a.name);
      }),
    );
    topo.buses.forEach((b, bi) => {
      const handles = new Set<number>();
      b.dimms.forEach((d, di) => {
        if (handles.has(d.handle)) ctx.addIssue({ code: 'custom', message: `duplicate DIMM handle ${d.handle}`, path: ['buses', bi, 'dimms', di, 'handle'] });
        handles.add(d.handle);
      });
      b.regions.forEach((r, ri) =>
        r.mappings.forEach((m, mi) => {
          const target = b.dimms.find((d) => d.handle === m.dimm);
          if (!target || !target.registered)
            ctx.addIssue({ code: 'custom', message: `no registered DIMM with handle ${m.dimm} on this bus`, path: ['buses', bi, 'regions', ri, 'mappings', mi, 'dimm'] });
        }),
      );
    });
  });

export type Topology = z.output<typeof topologySchema>;
export type BusSpec = Topology['buses'][number];
export type DimmSpec = BusSpec['dimms'][number];
export type RegionSpec = BusSpec['regions'][number];
export type FirmwareUpdateSpec = DimmSpec['firmware'];
export type ActivationSpec = NonNullable<BusSpec['activation']>;
export type MachineSpec = Topology['machine'];
export type ActivationOutcome = DimmSpec['activationOutcome'];
