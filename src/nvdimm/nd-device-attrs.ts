// nd_device_attribute_group (drivers/nvdimm/bus.c): modalias and devtype,
// shared by every device on the nd bus except the bus device itself.
import { line } from '../kernel/format.js';
import { ro, type AttributeGroup } from './attribute.js';
import type { NdDevice } from './device.js';

export const ND_DEVICE_GROUP: AttributeGroup<NdDevice> = {
  attrs: [ro('modalias', (d) => line(d.modalias)), ro('devtype', (d) => line(d.devtype ?? ''))],
};
