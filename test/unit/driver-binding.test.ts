// bind/unbind through /sys/bus/nd/drivers/*, as `echo regionN > .../unbind`
// does it, and what the tree shows afterwards.
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/daemon/daemon.js';
import { KernelError } from '../../src/kernel/errno.js';

const BUS0 = '/sys/devices/platform/nfit_test.0/ndbus0';
const O_RDONLY = 0;
const O_WRONLY = 1;

function setup() {
  const { vfs } = createSimulation('nfit_test', 'virtual');
  const read = (p: string) => {
    const h = vfs.open(p, O_RDONLY);
    try {
      return vfs.read(h, 4096, 0).toString();
    } finally {
      vfs.release(h);
    }
  };
  const write = (p: string, s: string) => {
    const h = vfs.open(p, O_WRONLY);
    try {
      return vfs.write(h, Buffer.from(s));
    } finally {
      vfs.release(h);
    }
  };
  const errno = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof KernelError) return e.errno;
      throw e;
    }
    return 0;
  };
  return { vfs, read, write, errno };
}

describe('driver binding', () => {
  it('unbinding a region drops its driver link, children and busy DIMMs; binding restores them', () => {
    const { vfs, read, write } = setup();
    expect(write('/sys/bus/nd/drivers/nd_region/unbind', 'region0\0')).toBe(8);
    expect(vfs.readdir(`${BUS0}/region0`)).not.toContain('driver');
    expect(vfs.readdir(`${BUS0}/region0`)).not.toContain('namespace0.0');
    expect(vfs.readdir('/sys/bus/nd/drivers/nd_region')).not.toContain('region0');
    expect(read(`${BUS0}/region0/namespace_seed`)).toBe('\n');
    // nmem0 and nmem1 still back region1; nmem2 and nmem3 only region1.
    expect(read(`${BUS0}/nmem0/state`)).toBe('active\n');
    write('/sys/bus/nd/drivers/nd_region/unbind', 'region1\n');
    expect(read(`${BUS0}/nmem0/state`)).toBe('idle\n');
    expect(read(`${BUS0}/region1/uevent`)).toBe('DEVTYPE=nd_pmem\nMODALIAS=nd:t2\n');

    write('/sys/bus/nd/drivers/nd_region/bind', 'region0\0');
    expect(vfs.readlink(`${BUS0}/region0/driver`)).toBe('../../../../../bus/nd/drivers/nd_region');
    expect(vfs.readdir(`${BUS0}/region0/namespace0.0/block`)).toEqual(['pmem0']);
    expect(read(`${BUS0}/region0/namespace_seed`)).toBe('namespace0.0\n');
    expect(read(`${BUS0}/nmem0/state`)).toBe('active\n');
  });

  it('refuses a driver that does not match, an unknown device, and a second bind', () => {
    const { write, errno } = setup();
    expect(errno(() => write('/sys/bus/nd/drivers/nvdimm/bind', 'region0'))).toBe(19);
    expect(errno(() => write('/sys/bus/nd/drivers/nd_region/bind', 'region9'))).toBe(19);
    expect(errno(() => write('/sys/bus/nd/drivers/nd_region/bind', 'region0'))).toBe(16);
    expect(errno(() => write('/sys/bus/nd/drivers/nvdimm/unbind', 'region0'))).toBe(19);
    // An unclaimed pfn seed does not probe.
    expect(errno(() => write('/sys/bus/nd/drivers/nd_pmem/bind', 'pfn0.0'))).toBe(19);
  });

  it('has no bind or unbind on nd_bus (suppress_bind_attrs)', () => {
    const { vfs } = setup();
    expect(vfs.readdir('/sys/bus/nd/drivers/nd_bus').sort()).toEqual(['module', 'ndbus0', 'ndbus1', 'uevent']);
  });
});

describe('pmem block device files', () => {
  it('records bad ranges written to badblocks and refuses malformed ones', () => {
    const { read, write, errno } = setup();
    const bb = `${BUS0}/region0/namespace0.0/block/pmem0/badblocks`;
    expect(read(bb)).toBe('');
    expect(write(bb, '64 8\n')).toBe(5);
    expect(write(bb, '8 1\0')).toBe(4);
    expect(read(bb)).toBe('8 1\n64 8\n');
    expect(errno(() => write(bb, '8 0\n'))).toBe(22);
    expect(errno(() => write(bb, 'bogus\n'))).toBe(22);
    expect(read(bb)).toBe('8 1\n64 8\n');
  });
});

describe('settings outside libnvdimm', () => {
  it('keep what was written while the tree is rebuilt around them, and a new disk starts from the defaults', () => {
    const { read, write } = setup();
    const disk = `${BUS0}/region0/namespace0.0/block/pmem0`;
    const parent = '/sys/devices/platform/nfit_test.0/power/control';
    expect(write(`${disk}/queue/read_ahead_kb`, '512\n')).toBe(4);
    expect(write(`${disk}/power/control`, 'on\n')).toBe(3);
    expect(write(parent, 'on\n')).toBe(3);
    // Another region's unbind and bind change the tree's shape twice.
    write('/sys/bus/nd/drivers/nd_region/unbind', 'region1\n');
    write('/sys/bus/nd/drivers/nd_region/bind', 'region1\n');
    expect(read(`${disk}/queue/read_ahead_kb`)).toBe('512\n');
    expect(read(`${disk}/power/control`)).toBe('on\n');
    expect(read(parent)).toBe('on\n');
    // Unbinding region0 deletes pmem0 (del_gendisk); its successor has the defaults.
    write('/sys/bus/nd/drivers/nd_region/unbind', 'region0\n');
    write('/sys/bus/nd/drivers/nd_region/bind', 'region0\n');
    expect(read(`${disk}/queue/read_ahead_kb`)).toBe('128\n');
    expect(read(parent)).toBe('on\n');
  });
});
