// What every device on the nd bus has in common with its kernel counterpart
// (drivers/nvdimm/bus.c: nd_device_type/modalias/uevent).
export interface DevT {
  readonly major: number;
  readonly minor: number;
}

export interface NdDevice {
  readonly name: string;
  /** DEVTYPE: the device_type name; the bus device has none. */
  readonly devtype: string | undefined;
  /** MODALIAS "nd:t<N>" (ND_DEVICE_*) */
  readonly modalias: string;
  readonly devt: DevT | undefined;
  /** The bound driver's name; ndctl reads "enabled" from the driver link alone. */
  driver: string | null;
}

/** ND_DEVICE_* numbers used in modalias "nd:t%d". */
export const ND_DEVICE = { BUS: 0, DIMM: 1, REGION_PMEM: 2, NAMESPACE_IO: 4, NAMESPACE_PMEM: 5, DAX_PMEM: 7 } as const;

export function modalias(type: number): string {
  return `nd:t${type}`;
}
