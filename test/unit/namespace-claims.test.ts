// The btt/pfn/dax devices' own rules (drivers/nvdimm/claim.c
// nd_namespace_store, pfn_devs.c mode/align stores and nd_pfn_validate,
// btt.c's arena layout, pmem.c's info-block discovery): errnos in the
// kernel's order, and what a region finds again on its media after being
// disabled and enabled.
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { disableRegion, driverWrite, initLabelsOnBus0 } from '../support/ndctl-ops.js';
import { NdctlSession } from '../support/ndctl-namespaces.js';
import { makeSimulation, NDBUS0, SysfsClient } from './helpers.js';

const REGION1 = `${NDBUS0}/region1`;
const NS = `${REGION1}/namespace1.0`;
const PFN0 = `${REGION1}/pfn1.0`;
const NS_UUID = '674b7ed1-5a1c-4d28-b439-0b076f97e91c';
const PFN_UUID = 'bfea0a88-dae8-40eb-8c3d-047f956e36de';
const BTT_UUID = 'd420f92e-ff15-4cc1-8e1b-4cbf51d6292a';
const SZ_32M = 32n * 1024n * 1024n;

let sim: ReturnType<typeof makeSimulation>;
let fs: SysfsClient;
let ndctl: NdctlSession;
beforeEach(() => {
  sim = makeSimulation();
  fs = new SysfsClient(sim);
  ndctl = new NdctlSession(sim.system, sim.vfs);
  initLabelsOnBus0(sim.system, sim.vfs);
});

/** A configured, unclaimed namespace1.0 of `size` bytes. */
function configureNamespace(size = 4n * 16n * 1024n * 1024n, holderClass = ''): void {
  fs.write(`${NS}/uuid`, `${NS_UUID}\0`);
  fs.write(`${NS}/size`, `0x${size.toString(16)}\n\0`);
  fs.write(`${NS}/holder_class`, `${holderClass}\0`);
}

describe('claiming a namespace through a seed (nd_namespace_store)', () => {
  beforeEach(() => configureNamespace());

  it('checks the name, then the namespace, then the claim class, in that order', () => {
    expect(fs.writeErrno(`${PFN0}/namespace`, 'region1\0')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${PFN0}/namespace`, 'namespace1.9\0')).toBe(ERRNO.ENODEV);
    fs.write(`${NS}/holder_class`, 'dax\0');
    expect(fs.writeErrno(`${PFN0}/namespace`, 'namespace1.0\0')).toBe(ERRNO.EBUSY);
    expect(fs.write(`${REGION1}/dax1.0/namespace`, ' namespace1.0\n\0')).toBe(15);
    expect(fs.read(`${NS}/holder`)).toBe('dax1.0\n');
    expect(fs.read(`${NS}/mode`)).toBe('dax\n');
    // Claimed: the namespace refuses configuration and a raw bind.
    expect(fs.writeErrno(`${NS}/size`, '0\n')).toBe(ERRNO.EBUSY);
    expect(fs.writeErrno('/sys/bus/nd/drivers/nd_pmem/bind', 'namespace1.0\0')).toBe(ERRNO.ENXIO);
    expect(fs.writeErrno(`${NS}/holder_class`, '\0')).toBe(ERRNO.EBUSY);
    // With no claim class, a second claim is still refused: the namespace is held.
    fs.write(`${REGION1}/dax1.0/namespace`, '\n\0');
    fs.write(`${NS}/holder_class`, '\0');
    fs.write(`${REGION1}/dax1.0/namespace`, 'namespace1.0\0');
    expect(fs.writeErrno(`${PFN0}/namespace`, 'namespace1.0\0')).toBe(ERRNO.EBUSY);
    // The device holding one already refuses another.
    expect(fs.writeErrno(`${REGION1}/dax1.0/namespace`, 'namespace1.1\0')).toBe(ERRNO.EBUSY);
  });

  it('refuses a namespace under 16 MiB (ENXIO)', () => {
    const region3 = '/sys/devices/platform/nfit_test.1/ndbus1/region3';
    expect(fs.writeErrno(`${region3}/pfn3.0/namespace`, 'namespace3.0\0')).toBe(ERRNO.ENXIO);
  });

  it('lets a seed go back to idle: detaching resets its settings, and the seed stays', () => {
    fs.write(`${PFN0}/uuid`, `${PFN_UUID}\0`);
    fs.write(`${PFN0}/mode`, 'pmem\0');
    fs.write(`${PFN0}/namespace`, 'namespace1.0\0');
    expect(fs.write(`${PFN0}/namespace`, '\n\0')).toBe(2);
    expect([fs.read(`${PFN0}/uuid`), fs.read(`${PFN0}/mode`), fs.read(`${NS}/holder`)]).toEqual(['\n', 'none\n', '\n']);
    expect(fs.read(`${REGION1}/pfn_seed`)).toBe('pfn1.0\n');
  });
});

describe('pfn settings (mode_store, align_store)', () => {
  it('compares only the first len-1 bytes of mode, so a NUL, a newline or a prefix works', () => {
    for (const [value, mode] of [
      ['pmem\0', 'pmem'],
      ['ram\n', 'ram'],
      ['none', 'none'],
      ['r\0', 'ram'],
      ['\n', 'pmem'],
    ] as const) {
      fs.write(`${PFN0}/mode`, value);
      expect(fs.read(`${PFN0}/mode`), JSON.stringify(value)).toBe(`${mode}\n`);
    }
    expect(fs.writeErrno(`${PFN0}/mode`, 'memory\0')).toBe(ERRNO.EINVAL);
    expect(fs.read(`${PFN0}/mode`)).toBe('pmem\n');
  });

  it('takes only a supported alignment', () => {
    expect(fs.write(`${PFN0}/align`, '0x1000\n\0')).toBe(8);
    expect(fs.read(`${PFN0}/align`)).toBe('4096\n');
    expect(fs.writeErrno(`${PFN0}/align`, '8192\0')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${PFN0}/align`, '2M\0')).toBe(ERRNO.EINVAL);
    expect(fs.read(`${PFN0}/supported_alignments`)).toBe('4096 2097152 1073741824 \n');
  });
});

describe('binding a pfn device (nd_pmem, nd_pfn_init)', () => {
  it('needs a claimed namespace (ENODEV), then shows size and resource past the info block and memmap', () => {
    expect(fs.writeErrno('/sys/bus/nd/drivers/nd_pmem/bind', 'pfn1.0\0')).toBe(ERRNO.ENODEV);
    expect(ndctl.createNamespace(REGION1, 'fsdax', NS_UUID, PFN_UUID)).toBe(NS);
    expect(fs.read(`${PFN0}/size`)).toBe('65011712\n');
    expect(fs.read(`${PFN0}/resource`)).toBe('0x108200000\n');
    expect(fs.read(`${PFN0}/block/pmem1/size`)).toBe(`${65011712 / 512}\n`);
    expect(fs.read(`${PFN0}/block/pmem1/queue/dax`)).toBe('1\n');
    // Bound: its settings and its namespace are fixed.
    for (const [attr, value] of [
      ['uuid', `${PFN_UUID}\0`],
      ['mode', 'ram\0'],
      ['align', '4096\0'],
      ['namespace', '\n\0'],
    ] as const) {
      expect(fs.writeErrno(`${PFN0}/${attr}`, value), attr).toBe(ERRNO.EBUSY);
    }
  });

  it('finds its info block again: a changed alignment under the same uuid is EOPNOTSUPP', () => {
    ndctl.createNamespace(REGION1, 'fsdax', NS_UUID, PFN_UUID);
    driverWrite(sim.vfs, 'nd_pmem', 'unbind', 'pfn1.0');
    expect(fs.readErrno(`${PFN0}/size`)).toBe(ERRNO.ENXIO);
    fs.write(`${PFN0}/align`, '4096\n\0');
    expect(fs.writeErrno('/sys/bus/nd/drivers/nd_pmem/bind', 'pfn1.0\0')).toBe(ERRNO.EOPNOTSUPP);
    fs.write(`${PFN0}/align`, '2097152\n\0');
    expect(driverWrite(sim.vfs, 'nd_pmem', 'bind', 'pfn1.0')).toBe(7);
    expect(fs.read(`${PFN0}/size`)).toBe('65011712\n');
  });

  it('ram mode keeps the memmap out of the namespace: only the 8 KiB reserve, aligned to 2 MiB, is lost', () => {
    configureNamespace();
    fs.write(`${PFN0}/uuid`, `${PFN_UUID}\0`);
    fs.write(`${PFN0}/mode`, 'ram\0');
    fs.write(`${PFN0}/namespace`, 'namespace1.0\0');
    driverWrite(sim.vfs, 'nd_pmem', 'bind', 'pfn1.0');
    expect(fs.read(`${PFN0}/size`)).toBe(`${64 * 1024 * 1024 - 2 * 1024 * 1024}\n`);
  });
});

describe('a region enabled again finds its namespaces personalities on the media', () => {
  it('an fsdax namespace comes back as a new pfn device with the info block settings', () => {
    ndctl.createNamespace(REGION1, 'fsdax', NS_UUID, PFN_UUID);
    driverWrite(sim.vfs, 'nd_pmem', 'unbind', 'pfn1.0');
    disableRegion(sim.vfs, 1);
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region1');
    // The seeds take id 0; nd_pfn_probe() on namespace1.0 registers pfn1.1 from the block.
    expect(fs.read(`${NS}/holder`)).toBe('pfn1.1\n');
    expect(fs.read(`${REGION1}/pfn1.1/uuid`)).toBe(`${PFN_UUID}\n`);
    expect(fs.read(`${REGION1}/pfn1.1/mode`)).toBe('pmem\n');
    expect(fs.read(`${REGION1}/pfn1.1/size`)).toBe('65011712\n');
    expect(sim.vfs.readdir(`${REGION1}/pfn1.1/block`)).toEqual(['pmem1']);
    expect(sim.vfs.readdir(NS)).not.toContain('driver');
    expect([fs.read(`${REGION1}/pfn_seed`), fs.read(`${REGION1}/namespace_seed`)]).toEqual(['pfn1.0\n', 'namespace1.1\n']);
  });

  it('force_raw makes nd_pmem ignore the block and attach the namespace itself', () => {
    ndctl.createNamespace(REGION1, 'fsdax', NS_UUID, PFN_UUID);
    ndctl.disableInvalidate(NS);
    fs.write(`${NS}/force_raw`, '1\n\0');
    expect(driverWrite(sim.vfs, 'nd_pmem', 'bind', 'namespace1.0')).toBe(13);
    expect(fs.read(`${NS}/block/pmem1/size`)).toBe(`${(64 * 1024 * 1024) / 512}\n`);
    expect(fs.read(`${NS}/mode`)).toBe('raw\n');
  });
});

describe('sector mode (btt)', () => {
  it('lays out a BTT whose capacity is what the kernel exports for a 32 MiB v1.1 namespace', () => {
    // qemu-nfit 08a-create-sector-32M: "size":32440320, "blockdev":"pmem0s".
    expect(ndctl.createNamespace(REGION1, 'sector', NS_UUID, BTT_UUID, SZ_32M)).toBe(NS);
    expect(fs.read(`${REGION1}/btt1.0/size`)).toBe('32440320\n');
    expect(fs.read(`${REGION1}/btt1.0/sector_size`)).toBe('512 520 528 [4096] 4104 4160 4224 \n');
    expect(fs.read(`${NS}/mode`)).toBe('safe\n');
    expect(fs.read(`${REGION1}/btt1.0/block/pmem1s/queue/logical_block_size`)).toBe('4096\n');
    expect(sim.vfs.readdir(`${REGION1}/btt1.0/block/pmem1s`)).not.toContain('dax');
    expect([fs.read(`${REGION1}/btt_seed`), fs.read(`${REGION1}/namespace_seed`)]).toEqual(['btt1.1\n', 'namespace1.1\n']);
  });

  it('is found again by a raw probe after the region comes back', () => {
    ndctl.createNamespace(REGION1, 'sector', NS_UUID, BTT_UUID, SZ_32M);
    driverWrite(sim.vfs, 'nd_pmem', 'unbind', 'btt1.0');
    disableRegion(sim.vfs, 1);
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region1');
    expect(fs.read(`${NS}/holder`)).toBe('btt1.1\n');
    expect(fs.read(`${REGION1}/btt1.1/uuid`)).toBe(`${BTT_UUID}\n`);
    expect(fs.read(`${REGION1}/btt1.1/size`)).toBe('32440320\n');
  });
});

describe('device-dax (dax_pmem)', () => {
  it('unbinding the nd_dax device takes the dax_region and the instance away', () => {
    ndctl.createNamespace(`${NDBUS0}/region0`, 'devdax', 'cfe7f4e6-8fe4-44a9-bba8-cc4bb9b9cde1', 'f9f39959-f0ab-440a-9e4a-0fb97d16f921');
    expect(sim.vfs.readdir('/sys/bus/dax/devices')).toEqual(['dax0.0']);
    expect(fs.write('/sys/bus/dax/drivers/device_dax/unbind', 'dax0.0\n')).toBe(7);
    expect(sim.vfs.readdir('/sys/bus/dax/drivers/device_dax')).not.toContain('dax0.0');
    expect(fs.writeErrno('/sys/bus/dax/drivers/kmem/new_id', 'dax00.0\n')).toBe(ERRNO.EINVAL);
    expect(fs.write('/sys/bus/dax/drivers/device_dax/bind', 'dax0.0\0')).toBe(7);
    driverWrite(sim.vfs, 'dax_pmem', 'unbind', 'dax0.0');
    expect(sim.vfs.readdir('/sys/bus/dax/devices')).toEqual([]);
    expect(sim.vfs.readdir(`${NDBUS0}/region0/dax0.0`)).not.toContain('dax_region');
  });
});
