// The btt device bttR.N (drivers/nvdimm/btt_devs.c): a Block Translation
// Table over a claimed namespace, for atomic sector updates.
import { KernelError } from '../kernel/errno.js';
import { line } from '../kernel/format.js';
import { ro, rw, type AttributeGroup } from './attribute.js';
import { NdClaimDevice, namespaceAttr, numaGroup, uuidAttr } from './nd-claim-device.js';
import { sizeSelectShow, sizeSelectStore } from './nd-size-select.js';

/** btt_lbasize_supported[] */
export const BTT_LBASIZE_SUPPORTED = [512n, 520n, 528n, 4096n, 4104n, 4160n, 4224n];

export class NdBtt extends NdClaimDevice {
  readonly kind = 'btt';
  readonly devtype = 'nd_btt';
  /** The external sector size; 0 until chosen. */
  lbasize = 0n;
  /** nd_btt->size: the exported capacity, known while the btt is attached. */
  size: bigint | undefined;

  resetConfig(): void {
    this.lbasize = 0n;
    this.uuid = null;
  }
}

const bttGroup: AttributeGroup<NdBtt> = {
  attrs: [
    rw(
      'sector_size',
      (d) => sizeSelectShow(d.lbasize, BTT_LBASIZE_SUPPORTED),
      (d, buf, count) => {
        d.lbasize = sizeSelectStore(d.driver !== null, buf, BTT_LBASIZE_SUPPORTED);
        return count;
      },
    ),
    namespaceAttr(),
    uuidAttr(),
    ro('size', (d) => {
      // No size to convey while the btt instance is disabled.
      if (d.driver === null || d.size === undefined) throw new KernelError('ENXIO');
      return line(d.size);
    }),
    ro('log_zero_flags', () => 'Y\n'),
  ],
};

/** nd_btt_attribute_groups (nd_device_attribute_group is added for every nd device). */
export const BTT_ATTRIBUTE_GROUPS: readonly AttributeGroup<NdBtt>[] = [bttGroup, numaGroup()];
