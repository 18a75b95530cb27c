// The generic ND_CMD_* payloads of include/uapi/linux/ndctl.h that a DIMM's
// label area is reached through (functions 4-6 of every NVDIMM DSM family),
// and the nd_cmd_pkg envelope of ND_CMD_CALL.
import { defineLayout, u32, u64 } from './payload.js';

/** nd_cmd_get_config_size: all output. */
export const GET_CONFIG_SIZE = defineLayout('nd_cmd_get_config_size', 12, {
  status: u32(0),
  configSize: u32(4),
  maxXfer: u32(8),
});

/** nd_cmd_get_config_data_hdr: in_offset/in_length in, status and out_buf[in_length] out. */
export const GET_CONFIG_DATA = defineLayout('nd_cmd_get_config_data_hdr', 12, {
  inOffset: u32(0),
  inLength: u32(4),
  status: u32(8),
});

/** nd_cmd_set_config_hdr: in_offset/in_length, in_buf[in_length], then a u32 status. */
export const SET_CONFIG_DATA = defineLayout('nd_cmd_set_config_hdr', 8, {
  inOffset: u32(0),
  inLength: u32(4),
});

/** struct nd_cmd_pkg: the ND_CMD_CALL header; the payload follows at offset 64. */
export const ND_CMD_PKG = defineLayout('nd_cmd_pkg', 64, {
  family: u64(0),
  command: u64(8),
  sizeIn: u32(16),
  sizeOut: u32(20),
  fwSize: u32(60),
});
/** nd_reserved2[9]: bytes 24..59 of the header, which ACPI NFIT requires to be zero. */
export const ND_CMD_PKG_RESERVED = { offset: 24, length: 36 } as const;

/** ND_CMD_* numbers: the ioctl _IOC_NR and, on Intel DIMMs, the DSM function too. */
export const ND_CMD = {
  IMPLEMENTED: 0,
  ARS_CAP: 1,
  ARS_START: 2,
  ARS_STATUS: 3,
  CLEAR_ERROR: 4,
  SMART: 1,
  SMART_THRESHOLD: 2,
  DIMM_FLAGS: 3,
  GET_CONFIG_SIZE: 4,
  GET_CONFIG_DATA: 5,
  SET_CONFIG_DATA: 6,
  VENDOR_EFFECT_LOG_SIZE: 7,
  VENDOR_EFFECT_LOG: 8,
  VENDOR: 9,
  CALL: 10,
} as const;
