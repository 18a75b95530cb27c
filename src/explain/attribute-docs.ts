// What each sysfs file of the emulated tree means, for `ndsim explain`:
// a declarative table keyed by the kind of device directory a file lives
// in and its path relative to that directory ("firmware/activate",
// "nfit/handle", "power/control"). Facts come from the Linux 6.1 sources
// each entry cites (drivers/nvdimm, drivers/acpi/nfit, drivers/dax,
// tools/testing/nvdimm, block, drivers/base) and from the project's ABI
// reference; the text is written for someone learning the ABI.
//
// Keys may stand for a family of files: "<N>" matches a decimal number,
// so "mapping<N>" documents mapping0 … mapping31 (see findAttributeDoc).

/** Who implements a DSM function: the NFIT root device, the Intel bus family, or an Intel-family DIMM. */
export type DsmFamily = 'NFIT root' | 'Intel bus' | 'Intel DIMM';

/** One _DSM function, as include/uapi/linux/ndctl.h and drivers/acpi/nfit/intel.h number it. */
export interface DsmRef {
  readonly family: DsmFamily;
  readonly fn: number;
  readonly name: string;
}

export interface AttributeDoc {
  /** One line, for directory listings. */
  readonly summary: string;
  /** What the file means, in plain words, citing the kernel function that implements it. */
  readonly meaning: string;
  /** What a read shows. */
  readonly values: string;
  /** What a write accepts and does; absent for files without a store(). */
  readonly write?: string;
  /** The DSM functions a read or a write of the file ends up calling. */
  readonly dsm?: { readonly read?: readonly DsmRef[]; readonly write?: readonly DsmRef[] };
}

/** The kinds of directories explain recognises, each documented below. */
export const DEVICE_KINDS = [
  'bus',
  'ndctl',
  'dimm',
  'region',
  'namespace',
  'btt',
  'pfn',
  'nd_dax',
  'dax',
  'dax_mapping',
  'pmem_disk',
  'nfit_test_dimm',
  'platform',
  'acpi_nfit',
  'acpi_nvdimm',
  'bus_type',
  'driver',
  'module',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface DeviceDoc {
  /** A short name for the kind, e.g. "libnvdimm bus". */
  readonly title: string;
  /** What such a directory stands for, and which kernel code creates it. */
  readonly about: string;
}

const dsm = (family: DsmFamily, fn: number, name: string): DsmRef => ({ family, fn, name });

/** The DSM functions the documented files reach. */
export const DSM = {
  ARS_CAP: dsm('NFIT root', 1, 'ARS_CAP'),
  ARS_START: dsm('NFIT root', 2, 'ARS_START'),
  ARS_STATUS: dsm('NFIT root', 3, 'ARS_STATUS'),
  FW_ACTIVATE_BUSINFO: dsm('Intel bus', 1, 'FW_ACTIVATE_BUSINFO'),
  FW_ACTIVATE: dsm('Intel bus', 2, 'FW_ACTIVATE'),
  SMART: dsm('Intel DIMM', 1, 'SMART'),
  GET_CONFIG_SIZE: dsm('Intel DIMM', 4, 'GET_CONFIG_SIZE'),
  GET_CONFIG_DATA: dsm('Intel DIMM', 5, 'GET_CONFIG_DATA'),
  SET_CONFIG_DATA: dsm('Intel DIMM', 6, 'SET_CONFIG_DATA'),
  GET_SECURITY_STATE: dsm('Intel DIMM', 19, 'GET_SECURITY_STATE'),
  SET_PASSPHRASE: dsm('Intel DIMM', 20, 'SET_PASSPHRASE'),
  DISABLE_PASSPHRASE: dsm('Intel DIMM', 21, 'DISABLE_PASSPHRASE'),
  FREEZE_LOCK: dsm('Intel DIMM', 23, 'FREEZE_LOCK'),
  SECURE_ERASE: dsm('Intel DIMM', 24, 'SECURE_ERASE'),
  OVERWRITE: dsm('Intel DIMM', 25, 'OVERWRITE'),
  QUERY_OVERWRITE: dsm('Intel DIMM', 26, 'QUERY_OVERWRITE'),
  SET_MASTER_PASSPHRASE: dsm('Intel DIMM', 27, 'SET_MASTER_PASSPHRASE'),
  MASTER_SECURE_ERASE: dsm('Intel DIMM', 28, 'MASTER_SECURE_ERASE'),
  FW_ACTIVATE_DIMMINFO: dsm('Intel DIMM', 29, 'FW_ACTIVATE_DIMMINFO'),
  FW_ACTIVATE_ARM: dsm('Intel DIMM', 30, 'FW_ACTIVATE_ARM'),
} as const;

/** Intel DIMM DSM function names by number (the NVDIMM_INTEL_* and ND_INTEL_* commands), for decoding bit masks. */
export const INTEL_DIMM_FUNCTIONS: Readonly<Record<number, string>> = {
  1: 'SMART',
  2: 'SMART_THRESHOLD',
  3: 'DIMM_FLAGS',
  4: 'GET_CONFIG_SIZE',
  5: 'GET_CONFIG_DATA',
  6: 'SET_CONFIG_DATA',
  7: 'VENDOR_EFFECT_LOG_SIZE',
  8: 'VENDOR_EFFECT_LOG',
  9: 'VENDOR',
  10: 'ENABLE_LSS_STATUS',
  11: 'GET_MODES',
  12: 'FW_GET_INFO',
  13: 'FW_START_UPDATE',
  14: 'FW_SEND_DATA',
  15: 'FW_FINISH_UPDATE',
  16: 'FW_FINISH_QUERY',
  17: 'SMART_SET_THRESHOLD',
  18: 'SMART_INJECT',
  19: 'GET_SECURITY_STATE',
  20: 'SET_PASSPHRASE',
  21: 'DISABLE_PASSPHRASE',
  22: 'UNLOCK_UNIT',
  23: 'FREEZE_LOCK',
  24: 'SECURE_ERASE',
  25: 'OVERWRITE',
  26: 'QUERY_OVERWRITE',
  27: 'SET_MASTER_PASSPHRASE',
  28: 'MASTER_SECURE_ERASE',
  29: 'FW_ACTIVATE_DIMMINFO',
  30: 'FW_ACTIVATE_ARM',
};

type Docs = Readonly<Record<string, AttributeDoc>>;

/** Prefix every key of a group's table with its directory, as a named attribute group appears on disk. */
function group(name: string, docs: Docs): Docs {
  return Object.fromEntries(Object.entries(docs).map(([k, v]) => [`${name}/${k}`, v]));
}

/** drivers/base/core.c uevent_show/uevent_store, with what this kind of device prints. */
function uevent(lines: string): AttributeDoc {
  return {
    summary: 'the environment a uevent for this device carries; write an action to replay one',
    meaning:
      'Every device has this file (drivers/base/core.c uevent_show/uevent_store). Reading shows the KEY=value lines udev would receive in a uevent for the device; writing an action word makes the kernel synthesize such an event (kobject_synth_uevent), which is how "udevadm trigger" works.',
    values: lines,
    write: 'An action word: add, remove, change, move, online, offline, bind or unbind, optionally followed by a UUID and KEY=value pairs; anything else fails EINVAL. ndsim accepts the word but has no udev to send the event to.',
  };
}

/** drivers/base/core.c dev_show */
const DEV: AttributeDoc = {
  summary: 'MAJOR:MINOR of the device node',
  meaning:
    'The device number of the character or block device this directory stands for (drivers/base/core.c dev_show). Programs use it to check that a /dev node really is this device; ndctl compares it with fstat() of /dev/ndctlN and /dev/nmemN before it sends an ioctl.',
  values: '"%u:%u\\n": the major and the minor number, e.g. "245:0".',
};

/**
 * drivers/nvdimm/bus.c nd_device_attribute_group: modalias and devtype of
 * every nd-bus device but the bus itself. `types` and `devtypes` list what
 * this kind of device prints, without quotes or newline.
 */
function ndCommon(types: string, devtypes: string): Docs {
  return {
    modalias: {
      summary: `the module alias that matches a driver (${types})`,
      meaning:
        'The alias modprobe looks up to find the module whose driver handles this device (drivers/nvdimm/bus.c modalias_show). It is "nd:t" followed by the ND_DEVICE_* type number, and a driver on the nd bus binds a device when bit N of its type mask is set.',
      values: `${types}, followed by a newline. Types: 1 DIMM, 2 pmem region, 4 label-less (io) namespace, 5 labelled (pmem) namespace, 7 nd_dax; btt and pfn devices take their region's namespace type.`,
    },
    devtype: {
      summary: `the device type name (${devtypes})`,
      meaning:
        "The name of the device's struct device_type (drivers/nvdimm/bus.c devtype_show), the same word the DEVTYPE= line of uevent carries. ndctl uses it to tell the kinds of nd devices apart.",
      values: `${devtypes}, followed by a newline.`,
    },
  };
}

/** drivers/nvdimm/bus.c nd_numa_attribute_group */
const NUMA: Docs = {
  numa_node: {
    summary: 'the NUMA node closest to this memory',
    meaning:
      "The NUMA node of the CPUs that reach this memory fastest (drivers/nvdimm/bus.c numa_node_show), from the NFIT's proximity domain of the SPA range. Tools use it to place processes near their persistent memory.",
    values: '"%d\\n"; -1 when the platform gave no proximity domain.',
  },
  target_node: {
    summary: 'the NUMA node this memory would become if onlined as RAM',
    meaning:
      'The memory-only NUMA node the range would join if it were hot-added as System RAM through dax/kmem (drivers/nvdimm/bus.c target_node_show). It is hidden when the platform reports none (NUMA_NO_NODE).',
    values: '"%d\\n".',
  },
};

/** drivers/base/power/sysfs.c: the runtime-PM files of devices that take part in power management. */
const POWER: Docs = group('power', {
  async: {
    summary: 'whether suspend/resume callbacks may run asynchronously',
    meaning:
      'Lets the PM core suspend and resume this device in parallel with others (drivers/base/power/sysfs.c async_show/async_store). It matters only during system sleep transitions, including the freeze that a "quiesce" firmware activation performs.',
    values: '"enabled\\n" or "disabled\\n".',
    write: '"enabled" or "disabled"; anything else fails EINVAL.',
  },
  autosuspend_delay_ms: {
    summary: 'runtime-PM autosuspend delay (unsupported here)',
    meaning:
      'How long an idle device waits before runtime PM suspends it (drivers/base/power/sysfs.c autosuspend_delay_ms_show/store). It only works for drivers that opted into autosuspend; for every other device both reading and writing fail EIO.',
    values: 'Fails EIO: the device does not use autosuspend.',
    write: 'A delay in milliseconds; fails EIO for these devices.',
  },
  control: {
    summary: 'runtime-PM policy: "auto" may suspend, "on" keeps it powered',
    meaning:
      'Whether runtime power management may suspend the device when idle (drivers/base/power/sysfs.c control_show/control_store). "on" pins it active; "auto" lets the driver decide.',
    values: '"auto\\n" or "on\\n".',
    write: '"auto" or "on"; anything else fails EINVAL.',
  },
  runtime_active_kids: {
    summary: 'children currently keeping this device active',
    meaning: 'How many child devices are runtime-active and so keep this parent from suspending (drivers/base/power/sysfs.c runtime_active_kids_show).',
    values: '"%d\\n".',
  },
  runtime_active_time: {
    summary: 'milliseconds spent runtime-active',
    meaning: 'The time the device spent in the runtime-active state since runtime PM began accounting for it (drivers/base/power/sysfs.c runtime_active_time_show).',
    values: '"%llu\\n" milliseconds.',
  },
  runtime_enabled: {
    summary: 'whether runtime PM is enabled for the device',
    meaning: 'Tells whether runtime PM is enabled, disabled, or forbidden by userspace through control (drivers/base/power/sysfs.c runtime_enabled_show).',
    values: '"enabled\\n", "disabled\\n", "forbidden\\n" or "disabled & forbidden\\n".',
  },
  runtime_status: {
    summary: 'current runtime-PM state',
    meaning: "The device's runtime power state as the PM core tracks it (drivers/base/power/sysfs.c runtime_status_show).",
    values: '"active", "suspended", "suspending", "resuming", "error" or "unsupported" (runtime PM not enabled), each with a newline.',
  },
  runtime_suspended_time: {
    summary: 'milliseconds spent runtime-suspended',
    meaning: 'The time the device spent runtime-suspended (drivers/base/power/sysfs.c runtime_suspended_time_show).',
    values: '"%llu\\n" milliseconds.',
  },
  runtime_usage: {
    summary: 'runtime-PM usage count',
    meaning: 'How many holders currently prevent the device from runtime-suspending (drivers/base/power/sysfs.c runtime_usage_show).',
    values: '"%d\\n".',
  },
});

/** The firmware-activation state names the bus and DIMM activate files print (core.c, dimm_devs.c activate_show). */
const FWA_STATES =
  '"idle" (nothing armed), "armed" (at least one DIMM will take part in the next activation), "overflow" (bus only: armed, but the platform says activating all of them would take longer than its maximum quiesce time), "busy" (an activation is in progress), each with a newline. ENXIO when the firmware state could not be determined.';

const BUS: Docs = {
  commands: {
    summary: 'bus-level ioctl commands /dev/ndctlN accepts',
    meaning:
      'Lists the ND_CMD_* commands set in the bus descriptor\'s cmd_mask, i.e. which ioctls /dev/ndctlN will accept (drivers/nvdimm/core.c commands_show). For an NFIT bus they come from the root device\'s _DSM: address range scrub, clear error, and "cmd_call" for ND_CMD_CALL pass-through.',
    values: 'Names separated and followed by one space, then a newline, e.g. "ars_cap ars_start ars_status clear_error cmd_call \\n".',
  },
  provider: {
    summary: 'which provider driver registered this bus',
    meaning:
      "Names the code that registered the bus (drivers/nvdimm/core.c provider_show): the descriptor's provider_name (\"ACPI.NFIT\" for real NFIT firmware), otherwise the name of the bus's parent device (nfit_test.0, nfit_test.1). ndctl shows it as the bus \"provider\".",
    values: '"%s\\n", e.g. "ACPI.NFIT" or "nfit_test.0".',
  },
  wait_probe: {
    summary: 'read to wait until device registration on this bus has settled',
    meaning:
      "Reading it waits for the provider's probe and for every asynchronous nd device registration to finish (drivers/nvdimm/core.c wait_probe_show: flush_probe, nd_synchronize, then every child's device lock). ndctl reads it before it lists devices so that it never sees a half-registered bus.",
    values: '"1\\n" once everything has settled (ndsim registers synchronously, so always at once).',
  },
  uevent: uevent('"DRIVER=nd_bus" (the bus device is always bound to nd_bus) and "MODALIAS=nd:t0", one per line.'),
  'firmware/activate': {
    summary: 'runtime firmware-activation state of the bus; write live/quiesce to activate',
    meaning:
      'The bus-wide trigger of runtime firmware activation (drivers/nvdimm/core.c activate_show/activate_store, provider side drivers/acpi/nfit/intel.c intel_bus_fwa_state and intel_bus_fwa_activate). Reading asks the platform, through the Intel bus DSM, whether any DIMM is armed; writing tells the platform to switch every armed DIMM to its staged firmware image without a reboot. With "quiesce" the kernel first freezes user tasks, kernel threads and devices like a hibernation does (kernel/power/hibernate.c hibernate_quiet_exec) and thaws them afterwards; with "live" it trusts the platform to cope on its own.',
    values: `${FWA_STATES} EOPNOTSUPP when the bus has no activation support or its capability is below "quiesce". The state is cached by intel.c until a DIMM is armed or an activation runs.`,
    write:
      '"live" or "quiesce" (compared with sysfs_streq, so a trailing newline is fine); any other word fails EINVAL before the state is looked at. Then: busy fails EBUSY, idle fails ENXIO (nothing armed), armed or overflow runs the activation and the write returns its full length whatever status the firmware reports; per-DIMM outcomes show up later in nmemN/firmware/result. The capability file is not consulted, so "live" works on a "quiesce" platform at your own risk.',
    dsm: { read: [DSM.FW_ACTIVATE_BUSINFO], write: [DSM.FW_ACTIVATE_BUSINFO, DSM.FW_ACTIVATE] },
  },
  'firmware/capability': {
    summary: 'how this platform activates firmware: quiesce or live',
    meaning:
      'Says what the platform needs from the OS during a runtime firmware activation (drivers/nvdimm/core.c capability_show, drivers/acpi/nfit/intel.c intel_bus_fwa_capability). "quiesce" means the OS should freeze devices first (the platform sets FWQUIESCE); "live" means the platform quiesces by itself (OSQUIESCE only). ndctl turns it into the "activate_method" it shows, and reports "reset" when the file is missing.',
    values: '"quiesce\\n" or "live\\n"; EOPNOTSUPP when there is no activation support. Computed from the first FW_ACTIVATE_BUSINFO answer and cached until nfit/firmware_activate_noidle changes.',
    dsm: { read: [DSM.FW_ACTIVATE_BUSINFO] },
  },
  'nfit/revision': {
    summary: 'revision of the ACPI NFIT table',
    meaning:
      "The revision field of the NFIT table's ACPI header (drivers/acpi/nfit/core.c revision_show). Its presence is how ndctl recognises an NFIT bus and decides to read DIMM attributes from the nfit/ subdirectory.",
    values: '"%d\\n": 1 on real firmware and QEMU; 0 under nfit_test, which never fills the header in.',
  },
  'nfit/scrub': {
    summary: 'count of completed address range scrubs; "+" while one runs; write 1 to start one',
    meaning:
      'An Address Range Scrub (ARS) asks the platform to look for poisoned media and report bad addresses, which then show up as badblocks (drivers/acpi/nfit/core.c scrub_show/scrub_store). Reading shows how many full scrubs completed since the driver loaded, and the file is pollable so "ndctl wait-scrub" can sleep until the count changes. ndctl refuses to update firmware while a scrub is running.',
    values: '"%u\\n", or "%u+\\n" while a scrub is in progress (e.g. "1\\n", "2+\\n"). ENXIO if the bus driver is not bound.',
    write:
      'Only "1" (kstrtol, so "0x1" works too); anything else fails EINVAL. Starts a long scrub of every persistent-memory range (acpi_nfit_ars_rescan); EBUSY if one is already requested for all of them.',
    dsm: { write: [DSM.ARS_CAP, DSM.ARS_START, DSM.ARS_STATUS] },
  },
  'nfit/hw_error_scrub': {
    summary: 'what a machine-check on this memory triggers: 0 record only, 1 full scrub',
    meaning:
      "Chooses how the NFIT driver reacts when a machine check reports a memory error in its ranges (drivers/acpi/nfit/core.c hw_error_scrub_show/hw_error_scrub_store). In the default mode the failing address is only added to the badblocks lists; in mode 1 a full address range scrub is started as well.",
    values: '"0\\n" (HW_ERROR_SCRUB_OFF) or "1\\n" (HW_ERROR_SCRUB_ON).',
    write: '0 or 1 (kstrtol, base 0); any other number fails EINVAL.',
  },
  'nfit/dsm_mask': {
    summary: 'NFIT root-device DSM functions the bus implements',
    meaning:
      'A bit mask of the NFIT root device _DSM functions that userspace may call through ND_CMD_CALL family 0 on /dev/ndctlN (drivers/acpi/nfit/core.c bus_dsm_mask_show; the kernel calls it bus_dsm_mask). Bits 1-4 are ARS capabilities, start, status and clear error, 5 translate SPA, and 7-9 the ARS error-injection functions.',
    values: '"%#lx\\n", e.g. "0x3a0" for nfit_test.0 and "0x0" when there is none.',
  },
  'nfit/firmware_activate_noidle': {
    summary: 'Y: the OS vouches devices are idle during activation (iodev_state OS_IDLE)',
    meaning:
      'Chooses the iodev_state the kernel passes to the platform when it activates firmware (drivers/acpi/nfit/intel.c firmware_activate_noidle_show/store, used by intel_bus_fwa_activate). "N" asks the platform to force I/O devices idle itself (FORCE_IDLE, 0); "Y" tells it the OS has already made sure they are idle (OS_IDLE, 1), which is what "ndctl activate-firmware --no-idle" sets. It is visible only when the Intel bus DSM family implements exactly functions 1 and 2.',
    values: '"Y\\n" or "N\\n".',
    write:
      'A boolean for kstrtobool: 1/0, y/n, on/off. A change of value forgets the cached activation capability, so the next read of firmware/capability or firmware/activate queries FW_ACTIVATE_BUSINFO again; the new value is used by the next FW_ACTIVATE.',
  },
};

const NDCTL: Docs = {
  dev: DEV,
  uevent: uevent('"MAJOR=", "MINOR=" and "DEVNAME=ndctlN": the control device carries no driver or modalias.'),
};

const DIMM: Docs = {
  ...ndCommon('nd:t1', 'nvdimm'),
  dev: DEV,
  uevent: uevent('"MAJOR=", "MINOR=", "DEVNAME=nmemN", "DEVTYPE=nvdimm", "DRIVER=nvdimm" while bound, then "MODALIAS=nd:t1".'),
  state: {
    summary: 'active while an enabled region uses this DIMM',
    meaning:
      'Tells whether any enabled region currently holds the DIMM (drivers/nvdimm/dimm_devs.c state_show reads nvdimm->busy after bouncing the bus lock). While it is "active", label writes through the ioctl fail EBUSY and security erase or overwrite are refused.',
    values: '"active\\n" or "idle\\n".',
  },
  flags: {
    summary: 'libnvdimm flags of the DIMM: label, lock',
    meaning:
      'The DIMM flags libnvdimm learned while probing the label area (drivers/nvdimm/dimm_devs.c flags_show). "label" means a valid namespace index was found, so the DIMM\'s regions hold labelled (pmem, type 5) namespaces; "lock" means the label commands said the DIMM\'s capacity is locked by security.',
    values: 'Each set flag followed by one space, then a newline: "label \\n", "lock \\n", "label lock \\n" or just "\\n".',
  },
  commands: {
    summary: 'DIMM commands /dev/nmemN accepts',
    meaning:
      'The ND_CMD_* commands in the DIMM\'s cmd_mask, i.e. which ioctls /dev/nmemN accepts (drivers/nvdimm/dimm_devs.c commands_show). For Intel-family DIMMs the NFIT driver maps DSM functions 1-9 onto classic commands and always adds "cmd_call" for ND_CMD_CALL pass-through; ndctl needs "cmd_call" to issue health and firmware commands.',
    values: 'Names each followed by one space, then a newline, e.g. "smart smart_thresh get_size get_data set_data cmd_call \\n"; just "\\n" for an empty mask.',
  },
  available_slots: {
    summary: 'free namespace-label slots on this DIMM, minus the one kept for updates',
    meaning:
      'How many more namespace labels fit in the DIMM\'s label area (drivers/nvdimm/dimm_devs.c available_slots_show, __available_slots_show). One free slot is always held back so an existing label can be rewritten, hence the "minus one". It needs the nvdimm driver\'s view of the label area.',
    values: '"%d\\n". ENXIO when the nvdimm driver is not bound or the DIMM has no label area.',
  },
  security: {
    summary: 'passphrase security state; write a command to freeze, disable, erase…',
    meaning:
      'The Intel-DSM passphrase security state of the DIMM (drivers/nvdimm/dimm_devs.c security_show and security_store, which calls drivers/nvdimm/security.c nvdimm_security_store). Commands take the serial numbers of kernel "encrypted" keys holding the passphrases. The real NFIT driver reports flags cached from GET_SECURITY_STATE; nfit_test replaces security_show (tools/testing/nvdimm/dimm_devs.c) and asks its emulated firmware on every read.',
    values: '"disabled\\n", "unlocked\\n", "locked\\n" or "overwrite\\n"; ENOTTY if none applies. The file is visible only when the DIMM reports security at all.',
    write:
      'One of: freeze; disable <keyid>; update <oldkeyid> <newkeyid>; erase <keyid>; overwrite <keyid>; master_update <old> <new>; master_erase <keyid>. Parse errors fail EINVAL, a frozen DIMM EIO, a missing key ENOKEY, erase or overwrite of an active DIMM EBUSY. ndsim has no kernel keyring, so only freeze can succeed.',
    dsm: {
      read: [DSM.GET_SECURITY_STATE],
      write: [DSM.FREEZE_LOCK, DSM.DISABLE_PASSPHRASE, DSM.SET_PASSPHRASE, DSM.SECURE_ERASE, DSM.OVERWRITE, DSM.QUERY_OVERWRITE, DSM.SET_MASTER_PASSPHRASE, DSM.MASTER_SECURE_ERASE],
    },
  },
  frozen: {
    summary: '1 once security changes are frozen until the next reset',
    meaning:
      'Whether the DIMM\'s security state is frozen, i.e. no passphrase change, disable or erase is possible until the next power cycle (drivers/nvdimm/dimm_devs.c frozen_show). Writing "freeze" to security sets it. It exists only where the DIMM supports a freeze operation.',
    values: '"0\\n" or "1\\n".',
  },
  'firmware/activate': {
    summary: 'arm/disarm this DIMM for the next runtime firmware activation',
    meaning:
      "The per-DIMM half of runtime firmware activation (drivers/nvdimm/dimm_devs.c activate_show/activate_store, provider drivers/acpi/nfit/intel.c intel_fwa_state and intel_fwa_arm). Arming tells the platform this DIMM should switch to its staged firmware image when the bus's firmware/activate is written; \"ndctl update-firmware\" arms each DIMM it updates. Both read and write run under the bus lock.",
    values: '"idle\\n", "armed\\n" or "busy\\n" (an activation is in progress); ENXIO if the state could not be read. Cached per bus activation count, and re-read from the firmware after an arm or an activation.',
    write:
      '"arm" or "disarm" (sysfs_streq); anything else fails EINVAL. Busy fails EBUSY; arming an armed DIMM or disarming an idle one succeeds without asking the firmware; otherwise FW_ACTIVATE_ARM is sent and the status it returns is ignored.',
    dsm: { read: [DSM.FW_ACTIVATE_DIMMINFO], write: [DSM.FW_ACTIVATE_DIMMINFO, DSM.FW_ACTIVATE_ARM] },
  },
  'firmware/result': {
    summary: 'outcome of the last runtime firmware activation for this DIMM',
    meaning:
      'What happened to this DIMM in the most recent activation (drivers/nvdimm/dimm_devs.c result_show, provider drivers/acpi/nfit/intel.c intel_fwa_result). The platform reports it through the same DIMM-info DSM as the state; the kernel caches it until the next activation. ndctl reads it after "activate-firmware" to report each DIMM.',
    values:
      '"none\\n" (not part of the last activation), "success\\n", "not_staged\\n" (armed without a verified image), "need_reset\\n" (the new image runs after a reboot), "fail\\n"; ENXIO if unknown.',
    dsm: { read: [DSM.FW_ACTIVATE_DIMMINFO] },
  },
  'nfit/handle': {
    summary: 'NFIT device handle: socket, memory controller, channel, slot',
    meaning:
      "The NFIT memory-device handle that identifies the DIMM's physical location (drivers/acpi/nfit/core.c handle_show). On Intel platforms its bits encode node, socket, memory controller, channel and DIMM number; the kernel registers DIMMs in ascending handle order. ndctl cannot probe a DIMM whose handle it cannot read.",
    values: '"%#x\\n", e.g. "0x0", "0x101".',
  },
  'nfit/phys_id': {
    summary: 'SMBIOS handle of the DIMM',
    meaning: 'The SMBIOS Memory Device (type 17) handle the NFIT gives for this DIMM (drivers/acpi/nfit/core.c phys_id_show), which lets tools match it with dmidecode output.',
    values: '"%#x\\n".',
  },
  'nfit/vendor': {
    summary: 'DIMM vendor id from the NFIT control region',
    meaning: "The vendor id of the DIMM's control region structure in the NFIT (drivers/acpi/nfit/core.c vendor_show), converted from its big-endian field.",
    values: '"0x%04x\\n".',
  },
  'nfit/device': {
    summary: 'DIMM device id from the NFIT control region',
    meaning: "The device id of the DIMM's control region structure (drivers/acpi/nfit/core.c device_show).",
    values: '"0x%04x\\n".',
  },
  'nfit/rev_id': {
    summary: 'DIMM revision id from the NFIT control region',
    meaning: "The revision id of the DIMM's control region structure (drivers/acpi/nfit/core.c rev_id_show).",
    values: '"0x%04x\\n".',
  },
  'nfit/subsystem_vendor': {
    summary: 'subsystem vendor id of the DIMM controller',
    meaning: "The subsystem vendor id in the DIMM's control region structure (drivers/acpi/nfit/core.c subsystem_vendor_show).",
    values: '"0x%04x\\n".',
  },
  'nfit/subsystem_device': {
    summary: 'subsystem device id of the DIMM controller',
    meaning: "The subsystem device id in the DIMM's control region structure (drivers/acpi/nfit/core.c subsystem_device_show).",
    values: '"0x%04x\\n".',
  },
  'nfit/subsystem_rev_id': {
    summary: 'subsystem revision id of the DIMM controller',
    meaning: "The subsystem revision id in the DIMM's control region structure (drivers/acpi/nfit/core.c subsystem_rev_id_show).",
    values: '"0x%04x\\n".',
  },
  'nfit/format': {
    summary: 'register interface format code of the DIMM',
    meaning:
      'The format interface code of the control region (drivers/acpi/nfit/core.c format_show): how the DIMM is programmed. 0x0101 is byte-addressable energy-backed, 0x0201 block-addressable, 0x0301 byte-addressable without energy backing.',
    values: '"0x%04x\\n".',
  },
  'nfit/formats': {
    summary: 'how many interface formats the DIMM offers',
    meaning: 'The number of format interface codes the DIMM implements (drivers/acpi/nfit/core.c formats_show). Since block-mode support was removed this is 1 when the DIMM maps persistent memory and 0 otherwise.',
    values: '"%d\\n".',
  },
  'nfit/format1': {
    summary: 'second format interface code (hidden in practice)',
    meaning: "The DIMM's second format interface code (drivers/acpi/nfit/core.c format1_show). It is only visible when formats is above 1, which no longer happens.",
    values: '"0x%04x\\n"; ENXIO when there is none.',
  },
  'nfit/serial': {
    summary: 'DIMM serial number',
    meaning: "The serial number from the DIMM's control region (drivers/acpi/nfit/core.c serial_show), converted from big endian. It feeds the interleave-set cookies and the DIMM id.",
    values: '"0x%08x\\n".',
  },
  'nfit/flags': {
    summary: 'NFIT memory-device health and state flags',
    meaning:
      'State flags the platform reports in the NFIT for the DIMM, collected over all its memory-device entries (drivers/acpi/nfit/core.c flags_show). They warn about failed save/restore/flush of an energy-backed DIMM, a DIMM not armed for persistence (its regions become read-only), and health events; the file is pollable so "ndctl monitor" can wait for health notifications. flush_fail is also forced when the SMART data read at registration says the last shutdown was dirty.',
    values: 'Tokens each followed by a space, then a newline: save_fail restore_fail flush_fail not_armed smart_event smart_notify map_fail.',
  },
  'nfit/id': {
    summary: 'unique DIMM id: vendor, manufacturing location and date, serial',
    meaning:
      "A stable identifier built from the control region (drivers/acpi/nfit/core.c id_show). ndctl shows it as the DIMM \"id\", and the kernel uses it to find the key that unlocks the DIMM (\"nvdimm:<id>\").",
    values: '"%04x-%02x-%04x-%08x\\n" (vendor-location-date-serial) when manufacturing information is valid, else "%04x-%08x\\n".',
  },
  'nfit/family': {
    summary: 'DSM command family of the DIMM: 0 Intel, 1 HPE1, 2 HPE2, 3 MSFT, 4 Hyper-V',
    meaning:
      'Which vendor _DSM command set the DIMM answers (drivers/acpi/nfit/core.c family_show), chosen at probe by testing each family\'s UUID. ND_CMD_CALL packages must name this family; ndctl reads it to pick its command decoder.',
    values: '"%d\\n"; ENXIO when the DIMM implements no known family.',
  },
  'nfit/dsm_mask': {
    summary: 'DSM functions of the DIMM family that ND_CMD_CALL may use',
    meaning:
      'A bit mask of the DIMM\'s _DSM functions that the NFIT driver found implemented and lets userspace call (drivers/acpi/nfit/core.c dsm_mask_show). ndctl checks bits 1-2 for health and 12-16 for firmware update; bits 29 and 30 enable runtime activation.',
    values: '"%#lx\\n", e.g. "0x7ffff476"; ENXIO when the DIMM has no family.',
  },
  'nfit/dirty_shutdown': {
    summary: 'dirty-shutdown count read at boot',
    meaning:
      'How many times the DIMM lost power without flushing, as its SMART data said when the NFIT driver registered it (drivers/acpi/nfit/core.c dirty_shutdown_show). It is visible only when that SMART payload marked the count valid; applications use it to detect that persistent data may be inconsistent.',
    values: '"%d\\n".',
  },
};

const REGION: Docs = {
  ...ndCommon('nd:t2', 'nd_pmem, or nd_volatile for a volatile region'),
  ...NUMA,
  uevent: uevent('"DEVTYPE=nd_pmem", "DRIVER=nd_region" while enabled, then "MODALIAS=nd:t2".'),
  size: {
    summary: 'size of the region in bytes',
    meaning: 'The length of the system-physical-address range behind this region (drivers/nvdimm/region_devs.c size_show), summed over all interleaved DIMMs.',
    values: '"%llu\\n" bytes.',
  },
  align: {
    summary: 'allocation granularity for namespaces in this region',
    meaning:
      'Namespace sizes and starts in this region must be multiples of this value (drivers/nvdimm/region_devs.c align_show/align_store). The default is 16 MiB for regions of at least 16 MiB, else a page, scaled so the interleave ways divide it.',
    values: '"%#lx\\n", e.g. "0x1000000".',
    write:
      'A number (kstrtoul, base 0). It must divide by the number of mappings, the per-DIMM part must be a power of two of at least 4096, and it must not exceed the region size; otherwise EINVAL.',
  },
  nstype: {
    summary: 'namespace type this region creates: 4 label-less, 5 labelled',
    meaning:
      'Which kind of namespace the region holds (drivers/nvdimm/region_devs.c nstype_show): 5 (ND_DEVICE_NAMESPACE_PMEM, configured through labels) as soon as any DIMM in it has a valid label index, else 4 (ND_DEVICE_NAMESPACE_IO, one namespace spanning the region). ndctl decides from it whether namespaces can be created.',
    values: '"4\\n" or "5\\n".',
  },
  mappings: {
    summary: 'number of DIMMs interleaved in this region',
    meaning: 'How many DIMM mappings make up the region (drivers/nvdimm/region_devs.c mappings_show); mapping0 … mappingN-1 describe them.',
    values: '"%d\\n"; 0 for a region without DIMMs (a virtual CD or disk range).',
  },
  'mapping<N>': {
    summary: 'one DIMM of the interleave set: nmem, DPA start, size, position',
    meaning:
      'Describes the N-th DIMM contribution to the region (drivers/nvdimm/region_devs.c mapping<N>_show, generated by REGION_MAPPING, which calls mappingN()): which DIMM, where in its DIMM-physical address space the piece starts, how long it is, and its position in the interleave. Only mapping0 up to mappings-1 exist.',
    values: '"nmem%d,%llu,%llu,%d\\n": DIMM name, DPA start, size in bytes, interleave position.',
  },
  btt_seed: {
    summary: 'idle btt device to configure for the next sector-mode namespace',
    meaning:
      'Names the unconfigured btt device of this region (drivers/nvdimm/region_devs.c btt_seed_show); "ndctl create-namespace -m sector" sets it up and binds it. When it gets used, the region creates a new seed.',
    values: '"btt%d.%d\\n", or "\\n" when there is none (the region is disabled).',
  },
  pfn_seed: {
    summary: 'idle pfn device to configure for the next fsdax namespace',
    meaning: 'Names the unconfigured pfn device of this region (drivers/nvdimm/region_devs.c pfn_seed_show), used by "ndctl create-namespace -m fsdax".',
    values: '"pfn%d.%d\\n", or "\\n".',
  },
  dax_seed: {
    summary: 'idle nd_dax device to configure for the next devdax namespace',
    meaning: 'Names the unconfigured nd_dax device of this region (drivers/nvdimm/region_devs.c dax_seed_show), used by "ndctl create-namespace -m devdax".',
    values: '"dax%d.%d\\n", or "\\n".',
  },
  namespace_seed: {
    summary: 'idle namespace to configure next',
    meaning:
      'Names the zero-size namespace that a new namespace will be carved from (drivers/nvdimm/region_devs.c namespace_seed_show). On label-less regions it is the one namespace spanning the region.',
    values: '"namespace%d.%d\\n", or "\\n".',
  },
  deep_flush: {
    summary: '1 if the region has flush hints; write 1 to flush the memory controller',
    meaning:
      'Whether writing data all the way to the persistence domain needs an explicit flush through the DIMMs\' flush-hint addresses (drivers/nvdimm/region_devs.c deep_flush_show/deep_flush_store). Writing "1" performs that flush (nvdimm_flush); applications use it before they declare data durable. It is writable only when hints exist and hidden when the answer cannot be known (no mappings).',
    values: '"1\\n" with flush hints, "0\\n" without.',
    write: 'A true boolean (strtobool: 1, y, on) flushes; false fails EINVAL.',
  },
  read_only: {
    summary: '1 if the region and its namespaces are read-only',
    meaning:
      'Forces the region\'s block devices read-only (drivers/nvdimm/region_devs.c read_only_show/read_only_store). It starts as 1 when a DIMM of the region is flagged "not_armed" in the NFIT, because writes might then not survive a power loss.',
    values: '"0\\n" or "1\\n".',
    write: 'A boolean (strtobool); every child namespace is told to revalidate its read-only state.',
  },
  set_cookie: {
    summary: 'interleave-set cookie that labels must match',
    meaning:
      'A checksum over the region\'s DIMMs (serial numbers, offsets) that namespace labels record, so labels found on a DIMM can be matched to the interleave set they were written for (drivers/nvdimm/region_devs.c set_cookie_show). The v1.1 or v1.2 variant is shown depending on the label version of the first DIMM.',
    values: '"%#llx\\n".',
  },
  available_size: {
    summary: 'bytes still free for new namespaces',
    meaning: 'The unallocated capacity across the region\'s DIMMs (drivers/nvdimm/region_devs.c available_size_show, nd_region_available_dpa); 0 when any DIMM is disabled.',
    values: '"%llu\\n" bytes.',
  },
  max_available_extent: {
    summary: 'largest contiguous free extent for one namespace',
    meaning: 'The biggest namespace that could be created right now, since a pmem namespace needs contiguous space on every DIMM (drivers/nvdimm/region_devs.c max_available_extent_show). ndctl uses it as the default size.',
    values: '"%llu\\n" bytes.',
  },
  init_namespaces: {
    summary: 'active/total namespaces found at the last enable',
    meaning: 'How many namespaces the last probe of the region found and how many of them are active (drivers/nvdimm/region_devs.c init_namespaces_show).',
    values: '"%d/%d\\n"; ENXIO while the region is disabled.',
  },
  persistence_domain: {
    summary: 'what the platform guarantees survives power loss',
    meaning:
      'Where data becomes persistent (drivers/nvdimm/region_devs.c persistence_domain_show): "memory_controller" (ADR: data in the memory controller is flushed on power loss, CPU caches are not) or "cpu_cache" (eADR: even CPU caches are flushed). It is hidden when the NFIT says neither.',
    values: '"cpu_cache\\n" or "memory_controller\\n".',
  },
  resource: {
    summary: 'start physical address of the region (root only)',
    meaning: 'The system-physical address where the region starts (drivers/nvdimm/region_devs.c resource_show). It is root-only because physical addresses help kernel exploits.',
    values: '"%#llx\\n".',
  },
  badblocks: {
    summary: 'known bad ranges in the region, in 512-byte sectors',
    meaning:
      'Media errors known in the region, as address range scrubs reported them (drivers/nvdimm/region_devs.c region_badblocks_show, badblocks_show). The file is pollable; namespaces and their block devices inherit the ranges that fall inside them.',
    values: 'One "%llu %u\\n" line (first sector, sector count) per bad range; empty when there are none. ENXIO while the region is disabled.',
  },
  'nfit/range_index': {
    summary: 'index of the NFIT SPA range structure behind this region',
    meaning: 'The NFIT System Physical Address range structure index this region was built from (drivers/acpi/nfit/core.c range_index_show). It links the region back to the ACPI table.',
    values: '"%d\\n".',
  },
};

/** Label updates on every DIMM of the region: what a successful namespace configuration write costs. */
const LABEL_WRITE = { write: [DSM.SET_CONFIG_DATA] };

const NAMESPACE: Docs = {
  ...ndCommon('nd:t4 for a label-less namespace, nd:t5 for a labelled one', 'nd_namespace_io (label-less) or nd_namespace_pmem (labelled)'),
  ...NUMA,
  uevent: uevent('"DEVTYPE=nd_namespace_pmem" or "nd_namespace_io", "DRIVER=nd_pmem" while enabled, then "MODALIAS=nd:t5" or "nd:t4".'),
  nstype: {
    summary: 'namespace type: 4 label-less, 5 labelled',
    meaning: 'The type of the region this namespace belongs to (drivers/nvdimm/namespace_devs.c nstype_show).',
    values: '"4\\n" or "5\\n".',
  },
  size: {
    summary: 'namespace size in bytes; writable for labelled namespaces',
    meaning:
      'The capacity of the namespace (drivers/nvdimm/namespace_devs.c size_show/size_store, __size_store). For a labelled namespace writing it allocates or frees DIMM capacity and rewrites the labels on every DIMM of the region; writing 0 deletes the namespace. Label-less namespaces always span their region and are read-only here.',
    values: '"%llu\\n" bytes.',
    write:
      'Labelled namespaces only: a byte count (kstrtoull, base 0; ndctl writes "%#llx"). EBUSY if enabled or claimed, ENXIO if uuid is unset or a DIMM is disabled, EINVAL if not a multiple of the region align, ENOSPC if it does not fit.',
    dsm: LABEL_WRITE,
  },
  uuid: {
    summary: 'identity of a labelled namespace; set before size',
    meaning:
      'The UUID stored in the namespace\'s labels (drivers/nvdimm/namespace_devs.c uuid_show/uuid_store). It must be set before the size, because the DIMM allocation is named after it; changing it renames the allocation and rewrites the labels. Label-less namespaces do not have it.',
    values: '"%pUb\\n" (lowercase 8-4-4-4-12) or "\\n" when unset.',
    write: 'A UUID. EBUSY while enabled or claimed; EINVAL if malformed or already used by another namespace, btt or pfn on the bus.',
    dsm: LABEL_WRITE,
  },
  alt_name: {
    summary: 'free-form name stored in the labels',
    meaning: 'A human-readable name kept in the namespace labels (drivers/nvdimm/namespace_devs.c alt_name_show/alt_name_store); "ndctl create-namespace --name" sets it.',
    values: '"%s\\n", empty when unset.',
    write: 'Up to 63 characters after trimming whitespace (64 or more fail EINVAL); EBUSY while enabled or claimed.',
    dsm: LABEL_WRITE,
  },
  sector_size: {
    summary: 'logical block size of the namespace: 512 or 4096',
    meaning: 'The logical block size the pmem block device will use, kept in the labels (drivers/nvdimm/namespace_devs.c sector_size_show/sector_size_store, nd_size_select_show).',
    values: 'The supported sizes each followed by a space, the current one in brackets: "[512] 4096 \\n"; none bracketed while unset.',
    write: '512 or 4096 (else EINVAL); EBUSY while enabled or claimed.',
    dsm: LABEL_WRITE,
  },
  dpa_extents: {
    summary: 'how many DIMM allocations make up the namespace',
    meaning: 'The number of DIMM-physical-address extents allocated under this namespace\'s UUID across the region\'s DIMMs (drivers/nvdimm/namespace_devs.c dpa_extents_show).',
    values: '"%d\\n".',
  },
  holder: {
    summary: 'btt/pfn/dax device that has claimed this namespace',
    meaning: 'Names the btt, pfn or nd_dax device that owns the namespace (drivers/nvdimm/namespace_devs.c holder_show). A claimed namespace cannot be enabled or reconfigured on its own.',
    values: '"%s\\n", or "\\n" when unclaimed.',
  },
  holder_class: {
    summary: 'which personality may claim the namespace: btt, pfn, dax or none',
    meaning:
      'Records in the labels which kind of device is meant to claim the namespace (drivers/nvdimm/namespace_devs.c holder_class_show/holder_class_store). ndctl writes it during create-namespace so the mode survives a reboot.',
    values: '"btt\\n", "pfn\\n", "dax\\n" or "\\n".',
    write: '"btt", "pfn", "dax" or an empty string; anything else EINVAL; EBUSY while enabled or claimed.',
    dsm: LABEL_WRITE,
  },
  mode: {
    summary: 'how the namespace is used: raw, safe (btt), memory (pfn) or dax',
    meaning: 'The personality of the namespace, derived from the device that claimed it (drivers/nvdimm/namespace_devs.c mode_show). ndctl reports it as fsdax, devdax, sector or raw.',
    values: '"raw\\n", "safe\\n" (btt), "memory\\n" (pfn), "dax\\n".',
  },
  force_raw: {
    summary: '1 to ignore btt/pfn/dax info blocks when enabling',
    meaning: 'Makes nd_pmem expose the namespace as a plain block device even if an info block on it says it belongs to a btt, pfn or dax device (drivers/nvdimm/namespace_devs.c force_raw_show/force_raw_store). ndctl uses it to wipe old info blocks.',
    values: '"0\\n" or "1\\n".',
    write: 'A boolean (strtobool).',
  },
  resource: {
    summary: 'start physical address of the namespace (root only)',
    meaning: 'The system-physical address where the namespace starts (drivers/nvdimm/namespace_devs.c resource_show). ndctl checks it is 16 MiB aligned before using fsdax or devdax.',
    values: '"%#llx\\n"; ENXIO while the size is 0.',
  },
};

/** What btt, pfn and nd_dax share (drivers/nvdimm/{btt,pfn}_devs.c namespace_* and uuid_*). */
function claimCommon(kind: string, file: string): Docs {
  return {
    namespace: {
      summary: `namespace this ${kind} device claims`,
      meaning: `Attaches the ${kind} device to a namespace of the same region (drivers/nvdimm/${file} namespace_show/namespace_store, nd_namespace_store). Binding the device then writes an info block at the start of the namespace that describes the ${kind} layout.`,
      values: '"%s\\n", or "\\n" when unattached.',
      write:
        'A namespace name of the same region, or an empty string to detach. EBUSY if bound or the namespace is claimed elsewhere, ENODEV if not found, ENXIO if smaller than 16 MiB, EINVAL for other names.',
    },
    uuid: {
      summary: `identity of the ${kind} info block`,
      meaning: `The UUID written into the ${kind} info block (drivers/nvdimm/${file} uuid_show/uuid_store), so the same device can be recognised when the namespace is enabled again.`,
      values: '"%pUb\\n" or "\\n" when unset.',
      write: 'A UUID; EBUSY while bound, EINVAL if malformed.',
    },
  };
}

const BTT: Docs = {
  ...ndCommon("nd:t4 or nd:t5, the region's namespace type", 'nd_btt'),
  ...NUMA,
  ...claimCommon('btt', 'btt_devs.c'),
  uevent: uevent('"DEVTYPE=nd_btt", "DRIVER=nd_pmem" while enabled, then the region\'s "MODALIAS=nd:t4" or "nd:t5".'),
  sector_size: {
    summary: 'sector size the BTT presents',
    meaning: 'The external sector size of the Block Translation Table, which gives the namespace atomic sector updates (drivers/nvdimm/btt_devs.c sector_size_show/sector_size_store).',
    values: 'The supported sizes each followed by a space, the current one bracketed: "512 520 528 [4096] 4104 4160 4224 \\n".',
    write: 'One of the listed sizes (else EINVAL); EBUSY while bound.',
  },
  size: {
    summary: 'usable capacity of the BTT block device',
    meaning: 'The capacity the BTT exports after its metadata (drivers/nvdimm/btt_devs.c size_show).',
    values: '"%llu\\n" bytes; ENXIO while the btt is not enabled.',
  },
  log_zero_flags: {
    summary: 'always Y: this kernel handles zeroed BTT log flags',
    meaning: 'Advertises that the kernel understands BTT logs with zeroed flag fields (drivers/nvdimm/btt_devs.c log_zero_flags_show), which tells ndctl that the btt check tool may use that format.',
    values: '"Y\\n".',
  },
};

const PFN_SHARED: Docs = {
  mode: {
    summary: 'where the struct page memmap lives: none, ram or pmem',
    meaning:
      'Where the kernel keeps the page structures that let this persistent memory be used like ordinary pages for DAX (drivers/nvdimm/pfn_devs.c mode_show/mode_store). "pmem" reserves room for them at the start of the namespace; "ram" allocates them from system memory.',
    values: '"none\\n", "ram\\n" or "pmem\\n".',
    write: '"pmem", "ram" or "none" (only the first length-1 bytes are compared, so a trailing NUL or newline works); other words EINVAL; EBUSY while bound.',
  },
  align: {
    summary: 'page-mapping alignment of the data area',
    meaning: 'The alignment of the mapped data area, which decides the largest page size DAX can map it with (drivers/nvdimm/pfn_devs.c align_show/align_store).',
    values: '"%ld\\n" bytes, default 2097152 (2 MiB).',
    write: 'One of supported_alignments (else EINVAL); EBUSY while bound.',
  },
  supported_alignments: {
    summary: 'alignments align accepts',
    meaning: 'The page sizes the architecture can map, i.e. the values align accepts (drivers/nvdimm/pfn_devs.c supported_alignments_show).',
    values: 'Sizes each followed by a space, then a newline: "4096 2097152 1073741824 \\n" on x86-64.',
  },
  resource: {
    summary: 'start physical address of the mapped data area (root only)',
    meaning: 'Where the usable data starts once the info block and the memmap reservation are skipped (drivers/nvdimm/pfn_devs.c resource_show).',
    values: '"%#llx\\n"; ENXIO while not enabled.',
  },
  size: {
    summary: 'usable bytes after the info block and memmap',
    meaning: 'The capacity left for data after the reservations at the start and the truncation at the end of the namespace (drivers/nvdimm/pfn_devs.c size_show).',
    values: '"%llu\\n"; ENXIO while not enabled.',
  },
};

const PFN: Docs = {
  ...ndCommon("nd:t4 or nd:t5, the region's namespace type", 'nd_pfn'),
  ...NUMA,
  ...claimCommon('pfn', 'pfn_devs.c'),
  ...PFN_SHARED,
  uevent: uevent('"DEVTYPE=nd_pfn", "DRIVER=nd_pmem" while enabled, then the region\'s "MODALIAS=nd:t4" or "nd:t5".'),
};

const ND_DAX: Docs = {
  ...ndCommon('nd:t7', 'nd_dax'),
  ...NUMA,
  ...claimCommon('nd_dax', 'pfn_devs.c'),
  ...PFN_SHARED,
  uevent: uevent('"DEVTYPE=nd_dax", "DRIVER=dax_pmem" while enabled, then "MODALIAS=nd:t7".'),
  ...group('dax_region', {
    id: {
      summary: 'id of the dax region (the nd region number)',
      meaning: 'The id of the dax region that dax_pmem set up on this device when it bound (drivers/dax/bus.c id_show); device-dax instances inside it are named dax<id>.<n>.',
      values: '"%d\\n".',
    },
    size: {
      summary: 'bytes of the dax region',
      meaning: 'The capacity of the dax region (drivers/dax/bus.c region_size_show).',
      values: '"%llu\\n".',
    },
    align: {
      summary: 'alignment of the dax region (root only)',
      meaning: 'The mapping alignment the region enforces on its device-dax instances (drivers/dax/bus.c region_align_show).',
      values: '"%u\\n".',
    },
  }),
};

const DAX: Docs = {
  dev: DEV,
  ...POWER,
  uevent: uevent('"MAJOR=", "MINOR=", "DEVNAME=daxR.N", "DRIVER=device_dax" (or kmem) while bound, then "MODALIAS=dax:t0".'),
  modalias: {
    summary: 'module alias of device-dax instances',
    meaning: 'The alias that matches dax-bus drivers (drivers/dax/bus.c modalias_show); every instance is type 0.',
    values: '"dax:t0\\n".',
  },
  size: {
    summary: 'bytes this device-dax instance maps',
    meaning: 'The capacity of the character device /dev/daxR.N (drivers/dax/bus.c size_show). Instances of static regions, like those of dax_pmem, cannot be resized.',
    values: '"%llu\\n".',
  },
  align: {
    summary: 'mapping granularity of /dev/daxR.N',
    meaning: 'The page size mmap() of the device uses; mappings must be aligned to it (drivers/dax/bus.c align_show).',
    values: '"%d\\n".',
  },
  target_node: {
    summary: 'NUMA node the memory would join through kmem',
    meaning: 'The node the range becomes when the kmem driver hot-adds it as System RAM (drivers/dax/bus.c target_node_show).',
    values: '"%d\\n".',
  },
  numa_node: {
    summary: 'NUMA node closest to this memory',
    meaning: 'The NUMA node of the device (drivers/dax/bus.c numa_node_show).',
    values: '"%d\\n".',
  },
  resource: {
    summary: 'start physical address of the instance (root only)',
    meaning: 'The physical address of the first range of the instance (drivers/dax/bus.c resource_show).',
    values: '"%#llx\\n".',
  },
};

const DAX_MAPPING: Docs = {
  ...POWER,
  uevent: uevent('empty: a mapping device belongs to no bus or class.'),
  start: {
    summary: 'first physical address of this range (root only)',
    meaning: 'Each mappingN child of a device-dax instance describes one physical range of it (drivers/dax/bus.c start_show).',
    values: '"%#llx\\n".',
  },
  end: {
    summary: 'last physical address of this range (root only)',
    meaning: 'The inclusive end of the range (drivers/dax/bus.c end_show).',
    values: '"%#llx\\n".',
  },
  page_offset: {
    summary: 'offset of this range in the device, in pages (root only)',
    meaning: 'Where the range appears inside /dev/daxR.N, counted in pages (drivers/dax/bus.c pgoff_show).',
    values: '"%#lx\\n".',
  },
};

/** block/blk-sysfs.c queue attributes: [name, what it is, value, write (if writable)]. */
/** QUEUE_SYSFS_BIT_FNS stores (block/blk-sysfs.c queue_var_store): not kstrtobool. */
const QUEUE_FLAG_WRITE = 'A decimal number (kstrtoul base 10, at most UINT_MAX, else EINVAL); any non-zero value sets the flag.';

const QUEUE_FILES: ReadonlyArray<readonly [string, string, string, string?]> = [
  ['add_random', 'whether I/O completions feed the entropy pool', '"0\\n" or "1\\n".', QUEUE_FLAG_WRITE],
  ['chunk_sectors', 'the boundary (in sectors) I/O must not cross, 0 for none', '"%u\\n".'],
  ['dax', 'whether the disk supports DAX, i.e. direct load/store access by filesystems', '"0\\n" or "1\\n" (1 for an fsdax pfn device).'],
  ['discard_granularity', 'the smallest discard unit in bytes', '"%u\\n"; 0: discard is not supported.'],
  ['discard_max_bytes', 'the largest discard the block layer will issue', '"%llu\\n".', 'A byte count up to discard_max_hw_bytes, a multiple of discard_granularity.'],
  ['discard_max_hw_bytes', 'the largest discard the device accepts', '"%llu\\n".'],
  ['discard_zeroes_data', 'obsolete, always 0', '"0\\n".'],
  ['dma_alignment', 'the memory alignment mask for direct I/O buffers', '"%d\\n".'],
  ['fua', 'whether the device honours Force Unit Access writes', '"0\\n" or "1\\n".'],
  ['hw_sector_size', 'same as logical_block_size', '"%u\\n".'],
  ['io_poll', 'whether polled I/O completion is enabled', '"0\\n" or "1\\n".', 'EINVAL: only a queue with poll queues takes a write, and a bio-based pmem queue has none (block/blk-sysfs.c queue_poll_store).'],
  ['io_poll_delay', 'the hybrid polling delay', '"%d\\n".', 'EINVAL: a bio-based queue has no blk-mq poll (block/blk-sysfs.c queue_poll_delay_store).'],
  ['iostats', 'whether I/O statistics are collected for stat', '"0\\n" or "1\\n".', QUEUE_FLAG_WRITE],
  ['logical_block_size', 'the smallest unit the device addresses: the namespace or BTT sector size', '"%u\\n" bytes.'],
  ['max_discard_segments', 'the most ranges one discard may carry', '"%u\\n".'],
  ['max_hw_sectors_kb', 'the largest request the device accepts', '"%u\\n" KiB.'],
  ['max_integrity_segments', 'the most integrity-metadata segments per request', '"%u\\n".'],
  ['max_sectors_kb', 'the largest request the block layer builds', '"%u\\n" KiB.', 'A size in KiB up to max_hw_sectors_kb.'],
  ['max_segment_size', 'the largest single memory segment of a request', '"%u\\n" bytes.'],
  ['max_segments', 'the most memory segments per request', '"%u\\n".'],
  ['minimum_io_size', 'the preferred minimum I/O size', '"%u\\n" bytes.'],
  ['nomerges', 'whether adjacent requests may be merged', '"0\\n" (merge), "1\\n" (simple merges only), "2\\n" (never).', '0, 1 or 2.'],
  ['nr_requests', 'how many requests the queue may hold', '"%lu\\n".', 'EINVAL: a bio-based queue has no request pool (block/blk-sysfs.c queue_requests_store).'],
  ['nr_zones', 'zone count of a zoned device, 0 otherwise', '"%u\\n".'],
  ['optimal_io_size', 'the preferred I/O size, 0 if none', '"%u\\n" bytes.'],
  ['physical_block_size', 'the unit the medium writes atomically', '"%u\\n" bytes.'],
  ['read_ahead_kb', 'how much to read ahead on sequential reads', '"%lu\\n" KiB.', 'A size in KiB.'],
  ['rotational', 'whether the device is a spinning disk (0 for pmem)', '"0\\n" or "1\\n".', QUEUE_FLAG_WRITE],
  ['rq_affinity', 'on which CPU completions are processed', '"0\\n", "1\\n" (same group) or "2\\n" (same CPU).', '0, 1 or 2.'],
  ['scheduler', 'the I/O scheduler; pmem is bio-based and has none', '"none\\n" (schedulers listed, the current one bracketed, on request-based queues).', 'A scheduler name; a bio-based queue like pmem\'s accepts any write and ignores it (block/elevator.c elv_iosched_store).'],
  ['stable_writes', 'whether pages must not change while being written', '"0\\n" or "1\\n".', QUEUE_FLAG_WRITE],
  ['virt_boundary_mask', 'the virtual-boundary mask segments must respect', '"%lu\\n".'],
  ['wbt_lat_usec', 'the writeback-throttling latency target', 'EINVAL: a bio-based queue has no writeback throttling.', 'A latency in microseconds; EINVAL here.'],
  ['write_cache', 'whether the device has a volatile write cache the kernel must flush', '"write back\\n" or "write through\\n".', '"write back" or "write through".'],
  ['write_same_max_bytes', 'obsolete WRITE SAME limit, 0', '"0\\n".'],
  ['write_zeroes_max_bytes', 'the largest write-zeroes request', '"%llu\\n".'],
  ['zone_append_max_bytes', 'the largest zone append (zoned devices only)', '"%u\\n".'],
  ['zone_write_granularity', 'the write granularity of sequential zones', '"%u\\n".'],
  ['zoned', 'the zone model', '"none\\n", "host-aware\\n" or "host-managed\\n".'],
];

const QUEUE: Docs = group(
  'queue',
  Object.fromEntries(
    QUEUE_FILES.map(([name, what, values, write]) => [
      name,
      {
        summary: what,
        meaning: `A request-queue setting of the block device: ${what} (block/blk-sysfs.c queue_attr_show/queue_attr_store, entry "${name}"). The pmem driver sets these limits when nd_pmem enables the namespace (drivers/nvdimm/pmem.c pmem_attach_disk).`,
        values,
        ...(write ? { write } : {}),
      },
    ]),
  ),
);

const INTEGRITY: Docs = group('integrity', {
  device_is_integrity_capable: {
    summary: 'whether the device stores protection information',
    meaning: 'Tells whether the device supports T10 protection information (block/blk-integrity.c device_is_integrity_capable_show); pmem does not.',
    values: '"0\\n" or "1\\n".',
  },
  format: {
    summary: 'integrity profile name, "none" without one',
    meaning: 'The registered data-integrity profile (block/blk-integrity.c format_show).',
    values: '"none\\n" or a profile name such as "T10-DIF-TYPE1-CRC".',
  },
  protection_interval_bytes: {
    summary: 'bytes covered by each protection tuple',
    meaning: 'The data interval one integrity tuple protects (block/blk-integrity.c protection_interval_bytes_show).',
    values: '"%u\\n"; 0 without a profile.',
  },
  read_verify: {
    summary: 'verify protection information on reads',
    meaning: 'Whether the block layer checks integrity data on reads (block/blk-integrity.c read_verify_show/read_verify_store).',
    values: '"0\\n" or "1\\n".',
    write: 'A number; non-zero enables.',
  },
  tag_size: {
    summary: 'bytes of application tag per tuple',
    meaning: 'The size of the integrity tag (block/blk-integrity.c tag_size_show).',
    values: '"%u\\n".',
  },
  write_generate: {
    summary: 'generate protection information on writes',
    meaning: 'Whether the block layer generates integrity data for writes (block/blk-integrity.c write_generate_show/write_generate_store).',
    values: '"0\\n" or "1\\n".',
    write: 'A number; non-zero enables.',
  },
});

const TRACE_FILES: ReadonlyArray<readonly [string, string, string]> = [
  ['enable', 'turns block tracing of this disk on or off', '"0\\n" or "1\\n".'],
  ['act_mask', 'which trace actions (read, write, sync…) are recorded', '"disabled\\n" while tracing is off, else the action names.'],
  ['pid', 'the process whose I/O is traced', '"disabled\\n" while off, else "%u\\n".'],
  ['start_lba', 'the first sector traced', '"disabled\\n" while off, else "%llu\\n".'],
  ['end_lba', 'the last sector traced', '"disabled\\n" while off, else "%llu\\n".'],
];

const TRACE: Docs = group(
  'trace',
  Object.fromEntries(
    TRACE_FILES.map(([name, what, values]) => [
      name,
      {
        summary: `blktrace: ${what}`,
        meaning: `Part of the blktrace sysfs interface (kernel/trace/blktrace.c sysfs_blk_trace_attr_show/store): ${what}. blktrace(8) normally drives tracing through ioctls instead.`,
        values,
        write: name === 'enable' ? 'A boolean; 1 sets up tracing with default settings, 0 removes it.' : 'A value for the setting; EINVAL while tracing is off for most of them.',
      },
    ]),
  ),
);

const PMEM_DISK: Docs = {
  dev: DEV,
  ...POWER,
  ...QUEUE,
  ...INTEGRITY,
  ...TRACE,
  uevent: uevent('"MAJOR=", "MINOR=", "DEVNAME=pmemN…", "DEVTYPE=disk", "DISKSEQ=".'),
  size: {
    summary: 'disk size in 512-byte sectors',
    meaning: 'The capacity of the block device in 512-byte units, whatever its logical block size (block/genhd.c part_size_show).',
    values: '"%llu\\n".',
  },
  ro: {
    summary: '1 if the disk is read-only',
    meaning: 'Whether writes to the disk are refused (block/genhd.c disk_ro_show); nd_pmem sets it when the region is read_only.',
    values: '"0\\n" or "1\\n".',
  },
  range: {
    summary: 'minor numbers reserved for partitions (0: extended minors only)',
    meaning: 'How many consecutive minor numbers the disk reserved for itself and its partitions (block/genhd.c disk_range_show); pmem uses dynamic extended minors.',
    values: '"%d\\n".',
  },
  ext_range: {
    summary: 'maximum number of partitions',
    meaning: 'How many partitions the disk may have, using extended minors (block/genhd.c disk_ext_range_show).',
    values: '"%d\\n", 256 when partitions are allowed.',
  },
  removable: {
    summary: 'whether the media is removable',
    meaning: 'Set for disks with removable media (block/genhd.c disk_removable_show).',
    values: '"0\\n" or "1\\n".',
  },
  hidden: {
    summary: 'whether the disk is hidden from userspace',
    meaning: 'Hidden disks get no device node (block/genhd.c disk_hidden_show).',
    values: '"0\\n" or "1\\n".',
  },
  capability: {
    summary: 'gendisk flags in hex',
    meaning: 'The raw GENHD_FL_* flags of the disk (block/genhd.c disk_capability_show).',
    values: '"%x\\n".',
  },
  alignment_offset: {
    summary: 'offset of the first aligned block',
    meaning: 'How many bytes the start of the disk is offset from its natural alignment (block/genhd.c disk_alignment_offset_show).',
    values: '"%d\\n".',
  },
  discard_alignment: {
    summary: 'offset of the first aligned discard unit',
    meaning: 'Meant to show the discard alignment offset; 6.1 prints the same value as alignment_offset (block/genhd.c disk_discard_alignment_show).',
    values: '"%d\\n".',
  },
  diskseq: {
    summary: 'sequence number of this disk since boot',
    meaning: 'A number that increases with every disk the kernel creates, so a reused name can be told apart (block/genhd.c diskseq_show).',
    values: '"%llu\\n".',
  },
  stat: {
    summary: 'I/O statistics counters',
    meaning: 'The I/O counters iostat reads: reads, merges, sectors and time, the same for writes, discards and flushes, plus in-flight and busy time (block/genhd.c part_stat_show).',
    values: 'Seventeen counters, each printed "%8lu".',
  },
  inflight: {
    summary: 'reads and writes in flight',
    meaning: 'How many reads and writes are currently outstanding (block/genhd.c part_inflight_show).',
    values: '"%8u %8u\\n".',
  },
  events: {
    summary: 'media events the disk reports (none for pmem)',
    meaning: 'Media-change and eject events the disk can report through uevents (block/disk-events.c disk_events_show).',
    values: 'Event names, or empty.',
  },
  events_async: {
    summary: 'always empty',
    meaning: 'Kept for compatibility; shows nothing (block/disk-events.c disk_events_async_show).',
    values: 'Empty.',
  },
  events_poll_msecs: {
    summary: 'media-event polling interval',
    meaning: 'How often the kernel polls the disk for media events (block/disk-events.c disk_events_poll_msecs_show/store).',
    values: '"%ld\\n"; -1: no polling.',
    write: 'Milliseconds, or -1; ENODEV for disks without event support.',
  },
  badblocks: {
    summary: 'known bad sectors of this disk',
    meaning:
      'Media errors inside this disk, inherited from the region\'s badblocks when nd_pmem enabled it (block/genhd.c disk_badblocks_show/store, block/badblocks.c). Reads of those sectors fail EIO; writes through the pmem driver try to clear them.',
    values: 'One "%llu %d\\n" line (first sector, count) per bad range; empty when none.',
    write: '"sector count" adds a bad range, as sscanf("%llu %d%c") reads it: whitespace between, a newline or nothing after, count positive; else EINVAL.',
  },
  'dax/write_cache': {
    summary: 'whether DAX writes need CPU cache flushes',
    meaning:
      'Whether the pmem driver flushes CPU caches for DAX writes (drivers/nvdimm/pmem.c write_cache_show/write_cache_store). Setting it to 0 declares the platform flushes caches on power loss (eADR) so the flushes can be skipped.',
    values: '"0\\n" or "1\\n".',
    write: 'A boolean (strtobool).',
  },
};

const NFIT_TEST_DIMM: Docs = {
  ...POWER,
  uevent: uevent('empty: the class device carries no driver, devtype or modalias.'),
  handle: {
    summary: 'NFIT handle of the DIMM slot this test device controls',
    meaning:
      "nfit_test's test-control class device test_dimmN stands for DIMM slot N of the emulated platform (tools/testing/nvdimm/test/nfit.c handle_show). The handle says which nmemN that is: compare it with nmemN/nfit/handle.",
    values: '"%#x\\n".',
  },
  fail_cmd: {
    summary: 'bit mask of DSM functions forced to fail on this DIMM',
    meaning:
      'A test hook: each set bit N makes DSM function N on this DIMM return fail_cmd_code instead of its real result (tools/testing/nvdimm/test/nfit.c fail_cmd_show/fail_cmd_store, applied by override_return_code). The function still runs, so its side effects happen; only the return code the kernel sees changes. ndctl\'s tests use it to check error paths.',
    values: '"%#lx\\n", "0x0" when nothing is forced.',
    write: 'A number (kstrtol, base 0, so "0x40000000" works); EINVAL or ERANGE if it does not parse. Replaces the whole mask.',
  },
  fail_cmd_code: {
    summary: 'return code a forced failure gives (0: -EIO)',
    meaning:
      'The value a function selected in fail_cmd returns (tools/testing/nvdimm/test/nfit.c fail_cmd_code_show/fail_cmd_code_store). Write a negative errno, e.g. -5 for EIO or -16 for EBUSY; 0 means the default -EIO.',
    values: '"%d\\n".',
    write: 'A signed number (kstrtol, base 0), stored in an int.',
  },
  lock_dimm: {
    summary: 'write anything to make the emulated DIMM security "locked"',
    meaning:
      "A test hook that puts the slot's emulated security state into enabled and locked, as after a power cycle of a passphrase-protected DIMM (tools/testing/nvdimm/test/nfit.c lock_dimm_store). The written text is ignored. It has no show(), so it cannot be read.",
    values: 'None: write-only, open for reading fails EACCES.',
    write: 'Anything; the content is not looked at.',
  },
};

const PLATFORM: Docs = {
  ...POWER,
  uevent: uevent('"DRIVER=nfit_test" and "MODALIAS=platform:nfit_test".'),
  modalias: {
    summary: 'module alias of the platform device',
    meaning: 'The alias that finds the module for this platform device (drivers/base/platform.c modalias_show): "platform:" and the device name without its instance number.',
    values: '"platform:nfit_test\\n".',
  },
  driver_override: {
    summary: 'force this device to bind only to the named driver',
    meaning: 'Restricts which platform driver may bind the device (drivers/base/platform.c driver_override_show/driver_override_store); it takes effect at the next bind.',
    values: '"%s\\n": the driver name, or "(null)" when unset.',
    write: 'A driver name, kept up to the first newline; an empty string or a lone newline clears it; 4095 bytes or more fail EINVAL (drivers/base/driver.c driver_set_override).',
  },
};

const ACPI_COMMON: Docs = {
  ...POWER,
  path: {
    summary: 'ACPI namespace path of the device object',
    meaning: 'The full path of the device in the ACPI namespace (drivers/acpi/device_sysfs.c path_show), e.g. \\_SB_.NVDR for the NFIT root device.',
    values: '"%s\\n".',
  },
};

const ACPI_NFIT: Docs = {
  ...ACPI_COMMON,
  uevent: uevent('"DRIVER=nfit" and "MODALIAS=acpi:ACPI0012:".'),
  hid: {
    summary: 'ACPI hardware id: ACPI0012, the NVDIMM root device',
    meaning: 'The _HID of the ACPI device (drivers/acpi/device_sysfs.c hid_show). ACPI0012 is the NVDIMM root device the nfit driver binds; its _DSM carries the bus-level functions.',
    values: '"ACPI0012\\n".',
  },
  modalias: {
    summary: 'module alias built from the ACPI ids',
    meaning: 'The alias that makes udev load the nfit module for this device (drivers/acpi/device_sysfs.c modalias_show).',
    values: '"acpi:ACPI0012:\\n".',
  },
};

const ACPI_NVDIMM: Docs = {
  ...ACPI_COMMON,
  uevent: uevent('Nothing for an NVDIMM object without a _HID or a bound driver, as ndsim shows it.'),
  adr: {
    summary: 'ACPI _ADR of the NVDIMM: its NFIT device handle',
    meaning: 'The _ADR of an NVDIMM child of the root device (drivers/acpi/device_sysfs.c adr_show); for NVDIMMs it equals the NFIT device handle, which is how the nfit driver finds the object whose _DSM and _LSR/_LSW serve a DIMM.',
    values: '"0x%08llx\\n".',
  },
};

/** drivers/base/bus.c: the files of /sys/bus/<bus>. */
const BUS_TYPE: Docs = {
  uevent: {
    summary: 'write an action to replay uevents for the bus',
    meaning: 'Writing an action word synthesizes a uevent for the bus itself (drivers/base/bus.c bus_uevent_store). It has no show().',
    values: 'None: write-only.',
    write: 'An action word such as "add" or "change"; others fail EINVAL.',
  },
  drivers_autoprobe: {
    summary: '1: new devices on this bus are bound automatically',
    meaning: 'Whether the driver core probes drivers for devices as they appear (drivers/base/bus.c drivers_autoprobe_show/store).',
    values: '"0\\n" or "1\\n".',
    write: 'Not parsed: a write starting with "0" turns it off (new devices stay unbound until drivers_probe or bind), any other write turns it on.',
  },
  drivers_probe: {
    summary: 'write a device name to probe drivers for it',
    meaning: 'Asks the driver core to find a driver for an unbound device on this bus (drivers/base/bus.c drivers_probe_store).',
    values: 'None: write-only.',
    write: 'A device name; ENODEV if there is no such device.',
  },
};

/** drivers/base/bus.c and drivers/dax/bus.c: the files of /sys/bus/<bus>/drivers/<driver>. */
const DRIVER: Docs = {
  bind: {
    summary: 'write a device name to bind it to this driver (enable it)',
    meaning:
      'Binds a device to this driver, which runs the driver\'s probe (drivers/base/bus.c bind_store). "ndctl enable-namespace/region/dimm" writes the name here for each nd driver until one accepts it; the device\'s driver link then appears.',
    values: 'None: write-only.',
    write: 'A device name. ENODEV if unknown or the driver does not match, EBUSY if already bound, else the probe\'s own error.',
  },
  unbind: {
    summary: 'write a device name to unbind it from this driver (disable it)',
    meaning: 'Detaches a device from this driver, running its remove (drivers/base/bus.c unbind_store); this is what "ndctl disable-*" does.',
    values: 'None: write-only.',
    write: 'The name of a device bound to this driver; ENODEV otherwise.',
  },
  uevent: {
    summary: 'write an action to replay a uevent for the driver',
    meaning: 'Synthesizes a uevent for the driver object (drivers/base/bus.c uevent_store of the driver attributes).',
    values: 'None: write-only.',
    write: 'An action word; others fail EINVAL.',
  },
  new_id: {
    summary: 'dax bus: let this driver take the named device-dax instance',
    meaning: 'Adds a device name to the ids this dax driver matches and attaches it at once if it is unbound (drivers/dax/bus.c new_id_store, do_id_store); daxctl uses it to hand an instance to kmem.',
    values: 'None: write-only.',
    write: 'Exactly "daxX.Y"; anything else fails EINVAL.',
  },
  remove_id: {
    summary: 'dax bus: forget a device name added with new_id',
    meaning: 'Removes a device name from the ids this dax driver matches (drivers/dax/bus.c remove_id_store).',
    values: 'None: write-only.',
    write: 'Exactly "daxX.Y"; anything else fails EINVAL.',
  },
};

/** kernel/module/main.c and kernel/params.c: /sys/module/<name>. */
function param(summary: string, meaning: string, values: string, write?: string): AttributeDoc {
  return { summary, meaning, values, ...(write ? { write } : {}) };
}

const MODULE: Docs = {
  coresize: { summary: 'bytes of the module\'s resident code and data', meaning: 'The size of the module\'s core section once loaded (kernel/module/main.c show_coresize).', values: '"%u\\n".' },
  initsize: { summary: 'bytes of init code, 0 once freed', meaning: 'The size of the module\'s init sections, which are freed after init (kernel/module/main.c show_initsize).', values: '"%u\\n".' },
  initstate: { summary: 'live, coming or going', meaning: 'The life-cycle state of the module (kernel/module/main.c show_initstate); libkmod treats "live" as loaded.', values: '"live\\n", "coming\\n" or "going\\n".' },
  taint: { summary: 'taint letters the module carries', meaning: 'Why the module taints the kernel (kernel/module/main.c show_taint): O out of tree, E unsigned, and so on; the nfit_test build of the nvdimm modules shows "OE".', values: 'Letters and a newline, or just a newline.' },
  refcnt: { summary: 'references held on the module', meaning: 'How many users keep the module from being unloaded (kernel/module/main.c show_refcnt): modules that use it, plus pins such as enabled regions on a bus provider.', values: '"%i\\n".' },
  uevent: { summary: 'write an action to replay the module\'s uevent', meaning: 'Synthesizes a uevent for the module (kernel/module/main.c store_uevent, the module_uevent attribute kernel/params.c adds).', values: 'None: write-only.', write: 'An action word; others fail EINVAL.' },
  'parameters/key_revalidate': param(
    'libnvdimm: re-check the key after an unlock at probe',
    'Whether libnvdimm re-validates a DIMM\'s passphrase after unlocking it at probe time (drivers/nvdimm/security.c, module_param key_revalidate).',
    '"Y\\n" or "N\\n".',
  ),
  'parameters/force_enable_dimms': param(
    'nfit: register DIMMs even if their _STA says disabled',
    'Makes the nfit driver ignore a DIMM\'s ACPI _STA "not enabled" answer (drivers/acpi/nfit/core.c, module_param force_enable_dimms). It is read at probe, so a write affects the next probe only.',
    '"Y\\n" or "N\\n".',
    'A boolean (Y/N, 1/0).',
  ),
  'parameters/disable_vendor_specific': param(
    'nfit: hide vendor-specific DSM functions',
    'Limits DIMMs to the standard functions by masking vendor-specific DSM functions at probe (drivers/acpi/nfit/core.c, module_param disable_vendor_specific).',
    '"Y\\n" or "N\\n".',
  ),
  'parameters/override_dsm_mask': param(
    'nfit: replace the probed DIMM DSM mask',
    'A mask that, when non-zero, replaces the DSM functions found by probing each DIMM (drivers/acpi/nfit/core.c, module_param override_dsm_mask).',
    '"%lu\\n".',
  ),
  'parameters/default_dsm_family': param(
    'nfit: try this DSM family first (-1: probe in order)',
    'Forces which DSM family the nfit driver tries first when it probes DIMMs (drivers/acpi/nfit/core.c, module_param default_dsm_family).',
    '"%i\\n".',
  ),
  'parameters/no_init_ars': param(
    'nfit: skip the address range scrub at probe',
    'Stops the nfit driver from starting an ARS when a bus is registered (drivers/acpi/nfit/core.c, module_param no_init_ars). It is read at probe only.',
    '"Y\\n" or "N\\n".',
    'A boolean.',
  ),
  'parameters/force_labels': param(
    'nfit: treat label-less DIMMs as labelled',
    'Forces label support on DIMMs that do not advertise a label area (drivers/acpi/nfit/core.c, module_param force_labels).',
    '"Y\\n" or "N\\n".',
  ),
};

export const ATTRIBUTE_DOCS: Readonly<Record<DeviceKind, Docs>> = {
  bus: BUS,
  ndctl: NDCTL,
  dimm: DIMM,
  region: REGION,
  namespace: NAMESPACE,
  btt: BTT,
  pfn: PFN,
  nd_dax: ND_DAX,
  dax: DAX,
  dax_mapping: DAX_MAPPING,
  pmem_disk: PMEM_DISK,
  nfit_test_dimm: NFIT_TEST_DIMM,
  platform: PLATFORM,
  acpi_nfit: ACPI_NFIT,
  acpi_nvdimm: ACPI_NVDIMM,
  bus_type: BUS_TYPE,
  driver: DRIVER,
  module: MODULE,
};

export const DEVICE_DOCS: Readonly<Record<DeviceKind, DeviceDoc>> = {
  bus: {
    title: 'libnvdimm bus',
    about:
      'One bus per NVDIMM provider, registered by nvdimm_bus_register() (drivers/nvdimm/bus.c, core.c); here the NFIT driver (drivers/acpi/nfit/core.c) or nfit_test registered it. Its children are the DIMMs and regions, its ndctlN char device takes bus-level ioctls, and firmware/ holds the bus-wide runtime firmware activation.',
  },
  ndctl: {
    title: 'bus control char device',
    about: 'The class "nd" device behind /dev/ndctlN (drivers/nvdimm/bus.c nvdimm_bus_create_ndctl), through which ndctl sends bus ioctls such as address range scrub.',
  },
  dimm: {
    title: 'NVDIMM',
    about:
      'One persistent-memory module (drivers/nvdimm/dimm_devs.c), bound to the nvdimm driver (drivers/nvdimm/dimm.c), which reads its label area. /dev/nmemN takes its ioctls; nfit/ holds what the ACPI NFIT says about it and firmware/ its runtime firmware activation.',
  },
  region: {
    title: 'persistent-memory region',
    about:
      'A system-physical address range backed by one or more interleaved DIMMs (drivers/nvdimm/region_devs.c), bound to nd_region (drivers/nvdimm/region.c), which creates its namespaces and btt/pfn/dax seeds.',
  },
  namespace: {
    title: 'namespace',
    about:
      'A slice of a region that becomes a block device when nd_pmem binds it (drivers/nvdimm/namespace_devs.c). Labelled namespaces (nd_namespace_pmem) are configured through uuid and size and recorded in the DIMM labels; label-less ones (nd_namespace_io) span the region.',
  },
  btt: {
    title: 'btt device (sector mode)',
    about: 'A Block Translation Table over a claimed namespace, giving it atomic sector writes (drivers/nvdimm/btt_devs.c, btt.c); nd_pmem binds it and creates a pmemNs disk.',
  },
  pfn: {
    title: 'pfn device (fsdax mode)',
    about: 'Reserves page structures for a claimed namespace so a filesystem can use DAX on it (drivers/nvdimm/pfn_devs.c); nd_pmem binds it and creates the pmem disk below it.',
  },
  nd_dax: {
    title: 'nd_dax device (devdax mode)',
    about: 'Like a pfn device, but handed to dax_pmem (drivers/nvdimm/dax_devs.c, drivers/dax/pmem.c), which creates a dax region and a device-dax instance /dev/daxR.N instead of a block device.',
  },
  dax: {
    title: 'device-dax instance',
    about: 'A character device /dev/daxR.N on the dax bus that maps persistent memory directly with mmap() (drivers/dax/bus.c, device.c); kmem can instead hot-add it as System RAM.',
  },
  dax_mapping: {
    title: 'device-dax range',
    about: 'One physical range of a device-dax instance (drivers/dax/bus.c devm_register_dax_mapping).',
  },
  pmem_disk: {
    title: 'pmem block device',
    about: 'The gendisk nd_pmem registers for an enabled namespace, pfn or btt (drivers/nvdimm/pmem.c, btt.c), with the block layer\'s files (block/genhd.c, blk-sysfs.c).',
  },
  nfit_test_dimm: {
    title: 'nfit_test DIMM test hooks',
    about: 'A class device of the nfit_test module (tools/testing/nvdimm/test/nfit.c) for one emulated DIMM slot, with knobs that make its DSM calls fail or lock it.',
  },
  platform: {
    title: 'platform device',
    about: 'The platform device nfit_test registers for each emulated NFIT (tools/testing/nvdimm/test/nfit.c); the bus hangs below it.',
  },
  acpi_nfit: {
    title: 'ACPI NVDIMM root device',
    about: 'The ACPI0012 device object the nfit driver binds (drivers/acpi/nfit/core.c acpi_nfit_driver); its _DSM holds the bus-level functions and its children are the NVDIMM objects.',
  },
  acpi_nvdimm: {
    title: 'ACPI NVDIMM device object',
    about: 'The ACPI object of one NVDIMM (drivers/acpi/device_sysfs.c), whose _ADR is the NFIT handle and whose _DSM serves the DIMM\'s functions.',
  },
  bus_type: {
    title: 'bus type',
    about: 'A bus type of the driver core (drivers/base/bus.c): its devices/ and drivers/ directories and the probe controls.',
  },
  driver: {
    title: 'driver',
    about: 'A driver registered on a bus (drivers/base/bus.c); bind and unbind enable and disable devices by hand.',
  },
  module: {
    title: 'kernel module',
    about: 'A loaded module (kernel/module/sysfs.c) with its state and parameters.',
  },
};

/**
 * The documentation of `relPath` in a `kind` directory: an exact key first,
 * then the key with every decimal number replaced by <N>.
 */
export function findAttributeDoc(kind: DeviceKind, relPath: string): AttributeDoc | undefined {
  const docs = ATTRIBUTE_DOCS[kind];
  return docs[relPath] ?? docs[relPath.replace(/\d+/g, '<N>')];
}
