// Intel NVDIMM DSM payloads (drivers/acpi/nfit/intel.h, ndctl's intel.h):
// packed little-endian structures, offsets relative to the payload start.
import { defineLayout, u8, u16, u32, u64 } from './payload.js';

/** Bus family NVDIMM_BUS_FAMILY_INTEL function 1: nd_intel_bus_fw_activate_businfo. */
export const BUSINFO = defineLayout('nd_intel_bus_fw_activate_businfo', 40, {
  status: u32(0),
  state: u8(6),
  capability: u8(7),
  activateTmo: u64(8),
  cpuQuiesceTmo: u64(16),
  ioQuiesceTmo: u64(24),
  maxQuiesceTmo: u64(32),
});

/** Bus function 2: nd_intel_bus_fw_activate (iodev_state in, status out). */
export const BUS_ACTIVATE = defineLayout('nd_intel_bus_fw_activate', 5, {
  iodevState: u8(0),
  status: u32(1),
});

/** DIMM function 29: nd_intel_fw_activate_dimminfo. */
export const DIMMINFO = defineLayout('nd_intel_fw_activate_dimminfo', 14, {
  status: u32(0),
  result: u16(4),
  state: u8(6),
});

/** DIMM function 30: nd_intel_fw_activate_arm. */
export const ARM = defineLayout('nd_intel_fw_activate_arm', 5, {
  activateArm: u8(0),
  status: u32(1),
});

/** DIMM function 12: nd_intel_fw_info. */
export const FW_INFO = defineLayout('nd_intel_fw_info', 44, {
  status: u32(0),
  storageSize: u32(4),
  maxSendLen: u32(8),
  queryInterval: u32(12),
  maxQueryTime: u32(16),
  updateCap: u8(20),
  fisVersion: u32(24),
  runVersion: u64(28),
  updatedVersion: u64(36),
});

/** DIMM function 13: nd_intel_fw_start. */
export const FW_START = defineLayout('nd_intel_fw_start', 8, {
  status: u32(0),
  context: u32(4),
});

/** DIMM function 14: nd_intel_fw_send_data header; data[length] follows, then a u32 status. */
export const FW_SEND_HEADER = defineLayout('nd_intel_fw_send_data', 12, {
  context: u32(0),
  offset: u32(4),
  length: u32(8),
});

/** DIMM function 15: nd_intel_fw_finish_update. */
export const FW_FINISH = defineLayout('nd_intel_fw_finish_update', 12, {
  ctrlFlags: u8(0),
  context: u32(4),
  status: u32(8),
});

/** DIMM function 16: nd_intel_fw_finish_query. */
export const FW_QUERY = defineLayout('nd_intel_fw_finish_query', 16, {
  context: u32(0),
  status: u32(4),
  updatedFwRev: u64(8),
});

/** DIMM function 1: nd_intel_smart (all output). */
export const SMART = defineLayout('nd_intel_smart', 132, {
  status: u32(0),
  flags: u32(4),
  health: u8(12),
  spares: u8(13),
  lifeUsed: u8(14),
  alarmFlags: u8(15),
  mediaTemperature: u16(16),
  ctrlTemperature: u16(18),
  shutdownCount: u32(20),
  aitStatus: u8(24),
  pmicTemperature: u16(25),
  shutdownState: u8(35),
  vendorSize: u32(36),
});

/** DIMM function 2: nd_intel_smart_threshold (all output). */
export const SMART_THRESHOLD = defineLayout('nd_intel_smart_threshold', 12, {
  status: u32(0),
  alarmControl: u16(4),
  spares: u8(6),
  mediaTemperature: u16(7),
  ctrlTemperature: u16(9),
});

/** DIMM function 17: nd_intel_smart_set_threshold (7 bytes in, status out). */
export const SMART_SET_THRESHOLD = defineLayout('nd_intel_smart_set_threshold', 11, {
  alarmControl: u16(0),
  spares: u8(2),
  mediaTemperature: u16(3),
  ctrlTemperature: u16(5),
  status: u32(7),
});

/** DIMM function 18: nd_intel_smart_inject (15 bytes in, status out). */
export const SMART_INJECT = defineLayout('nd_intel_smart_inject', 19, {
  flags: u64(0),
  mtempEnable: u8(8),
  mediaTemperature: u16(9),
  spareEnable: u8(11),
  spares: u8(12),
  fatalEnable: u8(13),
  unsafeShutdownEnable: u8(14),
  status: u32(15),
});

/** DIMM function 10: nd_intel_lss (enable in, status out). */
export const LSS = defineLayout('nd_intel_lss', 5, {
  enable: u8(0),
  status: u32(1),
});

/** Firmware-side activation states (ND_INTEL_FWA_*). */
export const FWA_STATE = { IDLE: 0, ARMED: 1, BUSY: 2 } as const;
/** Per-DIMM activation results (ND_INTEL_DIMM_FWA_*). */
export const FWA_RESULT = { NONE: 0, NOTSTAGED: 1, SUCCESS: 2, NEEDRESET: 3, MEDIAFAILED: 4, ABORT: 5, NOTSUPP: 6, ERROR: 7 } as const;
/** businfo capability bits (ND_INTEL_BUS_FWA_CAP_*). */
export const FWA_CAP = { fwquiesce: 1 << 0, osquiesce: 1 << 1, reset: 1 << 2 } as const;
/** Bus activate status codes (ND_INTEL_BUS_FWA_STATUS_*). */
export const BUS_FWA_STATUS = { NOARM: 0x10006, BUSY: 0x20006, NOFW: 0x30006, TMO: 0x40006, NOIDLE: 0x50006, ABORT: 0x60006 } as const;

/** Intel DIMM DSM function numbers (NVDIMM_INTEL_* / ND_INTEL_*). */
export const INTEL_FN = {
  SMART: 1,
  SMART_THRESHOLD: 2,
  GET_CONFIG_SIZE: 4,
  GET_CONFIG_DATA: 5,
  SET_CONFIG_DATA: 6,
  ENABLE_LSS_STATUS: 10,
  FW_GET_INFO: 12,
  FW_START_UPDATE: 13,
  FW_SEND_DATA: 14,
  FW_FINISH_UPDATE: 15,
  FW_FINISH_QUERY: 16,
  SMART_SET_THRESHOLD: 17,
  SMART_INJECT: 18,
  FW_ACTIVATE_DIMMINFO: 29,
  FW_ACTIVATE_ARM: 30,
} as const;

/** Intel bus DSM family functions. */
export const INTEL_BUS_FN = { FW_ACTIVATE_BUSINFO: 1, FW_ACTIVATE: 2 } as const;
