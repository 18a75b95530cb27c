// Device-DAX (drivers/dax/bus.c): the dax_region a dax_pmem probe hangs on
// its nd_dax device (the dax_region/ attribute group), and the dev_dax
// instance daxR.N registered on the dax bus, with its mapping0 child.
// Regions made by dax_pmem are static (IORESOURCE_DAX_STATIC): one range,
// fixed by the namespace, so the resize and create/delete files are hidden.
import { hexAlt, line } from '../kernel/format.js';
import { MODE, ro, type AttributeGroup } from './attribute.js';
import type { DevT } from './device.js';
import type { NdDax } from './nd-pfn.js';

/** The char major of "dax" (alloc_chrdev_region, dynamic): the captured boot's. */
export const DAX_MAJOR = 252;

export class DaxRegion {
  /** The one device-dax instance a static region holds. */
  devDax: DevDax | undefined;

  constructor(
    /** The nd_dax device whose drvdata this is (dax_region->dev). */
    readonly host: NdDax,
    /** dax_region->id: the region id parsed from the namespace name. */
    readonly id: number,
    /** dax_region->res: the data range, after the info block and memmap. */
    readonly start: bigint,
    readonly size: bigint,
    readonly align: bigint,
    /** dax_region->target_node: the nd_region's. */
    readonly targetNode: number,
  ) {}
}

/** A dev_dax instance on the dax bus: daxR.N. */
export class DevDax {
  readonly name: string;
  /** device_dax or kmem while bound. */
  driver: string | null = null;
  readonly devt: DevT;

  constructor(
    readonly region: DaxRegion,
    /** The namespace's id (static regions: data->id). */
    readonly id: number,
    daxMinor: number,
  ) {
    this.name = `dax${region.id}.${id}`;
    this.devt = { major: DAX_MAJOR, minor: daxMinor };
  }

  /** ranges[0]: the whole region, page offset 0. */
  get start(): bigint {
    return this.region.start;
  }

  get size(): bigint {
    return this.region.size;
  }

  /** dev_dax->align: the region's. */
  get align(): bigint {
    return this.region.align;
  }

  get numaNode(): number {
    return this.region.host.region.spec.numaNode;
  }
}

/** dax_region_attribute_group with dax_region_visible() for a static region: id, size, align. */
export const DAX_REGION_GROUP: AttributeGroup<DaxRegion> = {
  name: 'dax_region',
  attrs: [ro('size', (r) => line(r.size)), ro('align', (r) => line(r.align), MODE.ADMIN_RO), ro('id', (r) => line(r.id))],
};

/** dev_dax_attribute_group with dev_dax_visible() for a static region: no mapping, size and align read-only. */
export const DEV_DAX_GROUP: AttributeGroup<DevDax> = {
  attrs: [
    ro('modalias', () => 'dax:t0\n'),
    ro('size', (d) => line(d.size)),
    ro('target_node', (d) => line(d.region.targetNode)),
    ro('align', (d) => line(d.align)),
    ro('resource', (d) => line(hexAlt(d.start)), MODE.ADMIN_RO),
    ro('numa_node', (d) => line(d.numaNode)),
  ],
  isVisible: (d, attr) => (attr.name === 'target_node' && d.region.targetNode < 0 ? 0 : attr.mode),
};

/** dax_mapping_attribute_group of mapping0: the range and its page offset. */
export const DAX_MAPPING_GROUP: AttributeGroup<DevDax> = {
  attrs: [
    ro('start', (d) => line(hexAlt(d.start)), MODE.ADMIN_RO),
    ro('end', (d) => line(hexAlt(d.start + d.size - 1n)), MODE.ADMIN_RO),
    ro('page_offset', () => line(hexAlt(0)), MODE.ADMIN_RO),
  ],
};
