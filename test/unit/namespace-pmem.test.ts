// Configuring a label-backed namespace through sysfs, as ndctl
// create-namespace does it (drivers/nvdimm/namespace_devs.c stores, label.c
// label writes): the kernel's checks and errnos in order, DPA allocation,
// the labels written (compared with `ndctl read-labels -j` captured after
// the real kernel ran the same writes), binding, seeds, and rediscovery of
// the namespace from its labels when the region is enabled again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { disableRegion, driverWrite, initLabelsOnBus0, readConfig } from '../support/ndctl-ops.js';
import { parseReadLabels, readLabelsJson } from '../support/ndctl-read-labels.js';
import { loadCapture, REPO_ROOT } from '../support/tree-capture.js';
import { makeSimulation, NDBUS0, nmemPath, SysfsClient } from './helpers.js';

const REGION0 = `${NDBUS0}/region0`;
const NS0 = `${REGION0}/namespace0.0`;
const NS1 = `${REGION0}/namespace0.1`;
const UUID_A = 'cfe7f4e6-8fe4-44a9-bba8-cc4bb9b9cde1';
const UUID_B = '674b7ed1-5a1c-4d28-b439-0b076f97e91c';
const SZ_16M = 16 * 1024 * 1024;

let sim: ReturnType<typeof makeSimulation>;
let fs: SysfsClient;
beforeEach(() => {
  sim = makeSimulation();
  fs = new SysfsClient(sim);
  initLabelsOnBus0(sim.system, sim.vfs);
});

/** The label area of nmemN as ndctl read-labels reads it. */
function labelArea(dimm: number): Buffer {
  return readConfig(sim.system, dimm, 0, 128 * 1024, 4096);
}

/** Index sequence numbers of both blocks. */
function seqs(dimm: number): [number, number] {
  const a = labelArea(dimm);
  return [a.readUInt32LE(20), a.readUInt32LE(256 + 20)];
}

/** setup_namespace() of ndctl 76.1 up to the mode setup: uuid, alt_name, size, sector_size, holder_class. */
function setupNamespace(ns: string, uuid: string, size: number, holderClass: string): void {
  fs.write(`${ns}/uuid`, `${uuid}\0`);
  fs.write(`${ns}/alt_name`, '\0');
  fs.write(`${ns}/size`, `0x${size.toString(16)}\n\0`);
  fs.write(`${ns}/sector_size`, '512\n\0');
  fs.write(`${ns}/holder_class`, `${holderClass}\0`);
}

describe('a fresh pmem namespace seed', () => {
  it('needs a uuid before a size, and has no address', () => {
    expect(fs.writeErrno(`${NS0}/size`, '0x1000000\n')).toBe(ERRNO.ENXIO);
    expect(fs.readErrno(`${NS0}/resource`)).toBe(ERRNO.ENXIO);
    expect(fs.read(`${NS0}/dpa_extents`)).toBe('0\n');
    // kstrtoull() runs first.
    expect(fs.writeErrno(`${NS0}/size`, 'lots\n')).toBe(ERRNO.EINVAL);
  });

  it('takes a uuid in any case, with anything after its 36 characters, and shows it lowercase', () => {
    expect(fs.writeErrno(`${NS0}/uuid`, 'not-a-uuid\n')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NS0}/uuid`, 'cfe7f4e68fe444a9bba8cc4bb9b9cde1\n')).toBe(ERRNO.EINVAL);
    expect(fs.write(`${NS0}/uuid`, `${UUID_A.toUpperCase()}trailing\n`)).toBe(45);
    expect(fs.read(`${NS0}/uuid`)).toBe(`${UUID_A}\n`);
  });

  it('writes the index of every DIMM of the region when the uuid is set (del_labels commits even with nothing to delete)', () => {
    expect(seqs(0)).toEqual([3, 2]);
    fs.write(`${NS0}/uuid`, `${UUID_A}\0`);
    expect(seqs(0)).toEqual([3, 1]);
    expect(seqs(1)).toEqual([3, 1]);
    // region0 does not map nmem2.
    expect(seqs(2)).toEqual([3, 2]);
  });

  it('refuses a uuid already in use on the bus, its own included, and a rename before any label exists', () => {
    fs.write(`${NS0}/uuid`, `${UUID_A}\0`);
    expect(fs.writeErrno(`${NS0}/uuid`, `${UUID_A}\0`)).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NDBUS0}/region1/namespace1.0/uuid`, `${UUID_A}\0`)).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NS0}/uuid`, `${UUID_B}\0`)).toBe(ERRNO.EBUSY);
    expect(fs.read(`${NS0}/uuid`)).toBe(`${UUID_A}\n`);
  });

  it('trims alt_name and refuses 64 characters or more', () => {
    expect(fs.writeErrno(`${NS0}/alt_name`, `${'x'.repeat(64)}\n`)).toBe(ERRNO.EINVAL);
    expect(fs.write(`${NS0}/alt_name`, `${'x'.repeat(63)}\n`)).toBe(64);
    expect(fs.write(`${NS0}/alt_name`, ' \t name \n')).toBe(9);
    expect(fs.read(`${NS0}/alt_name`)).toBe('name\n');
  });

  it('offers 512 and 4096 byte sectors only', () => {
    expect(fs.writeErrno(`${NS0}/sector_size`, '520\n')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NS0}/sector_size`, 'big\n')).toBe(ERRNO.EINVAL);
    expect(fs.write(`${NS0}/sector_size`, '4096\n')).toBe(5);
    expect(fs.read(`${NS0}/sector_size`)).toBe('512 [4096] \n');
  });

  it('takes btt (v1.1 labels: BTT 1.1), pfn, dax or nothing as holder_class', () => {
    expect(fs.writeErrno(`${NS0}/holder_class`, 'bogus\0')).toBe(ERRNO.EINVAL);
    for (const [write, show] of [
      ['btt\0', 'btt\n'],
      ['pfn\n', 'pfn\n'],
      ['dax\0', 'dax\n'],
      ['\0', '\n'],
    ]) {
      fs.write(`${NS0}/holder_class`, write ?? '');
      expect(fs.read(`${NS0}/holder_class`)).toBe(show);
    }
    expect(fs.writeErrno(`${NS0}/force_raw`, 'maybe\n')).toBe(ERRNO.EINVAL);
    fs.write(`${NS0}/force_raw`, '1\n');
    expect(fs.read(`${NS0}/force_raw`)).toBe('1\n');
  });
});

describe('sizing a namespace', () => {
  beforeEach(() => {
    fs.write(`${NS0}/uuid`, `${UUID_A}\0`);
  });

  it('must be a multiple of the region align and fit the free space', () => {
    expect(fs.writeErrno(`${NS0}/size`, '0x1000001\n')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NS0}/size`, '0x800000\n')).toBe(ERRNO.EINVAL);
    expect(fs.writeErrno(`${NS0}/size`, '0x4000000\n')).toBe(ERRNO.ENOSPC);
    expect(fs.read(`${NS0}/size`)).toBe('0\n');
  });

  it('allocates DPA on every DIMM and places the namespace at the matching SPA offset', () => {
    fs.write(`${NS0}/alt_name`, 'first\n');
    expect(fs.write(`${NS0}/size`, '0x1000000\n')).toBe(10);
    expect(fs.read(`${NS0}/size`)).toBe(`${SZ_16M}\n`);
    expect(fs.read(`${NS0}/resource`)).toBe('0x100000000\n');
    expect(fs.read(`${NS0}/dpa_extents`)).toBe('2\n');
    expect(fs.read(`${REGION0}/available_size`)).toBe(`${SZ_16M}\n`);
    expect(fs.read(`${REGION0}/max_available_extent`)).toBe(`${SZ_16M}\n`);
    // One label per DIMM is in use now.
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('1018\n');
    const nmem1 = readLabelsJson('nmem1', labelArea(1)).label.filter((l) => l.flags === '0');
    expect(nmem1).toEqual([
      { uuid: UUID_A, name: 'first', slot: '1', position: '1', nlabel: '2', flags: '0', isetcookie: `${0x3fe000000fen}`, lbasize: '0', dpa: '0', rawsize: `${SZ_16M / 2}` },
    ]);
    // Shrinking to nothing frees the DPA and the labels, and the uuid goes too.
    expect(fs.write(`${NS0}/size`, '0\n')).toBe(2);
    expect(fs.read(`${NS0}/uuid`)).toBe('\n');
    expect(fs.read(`${REGION0}/available_size`)).toBe(`${2 * SZ_16M}\n`);
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('1019\n');
    expect(sim.vfs.readdir(REGION0)).toContain('namespace0.0');
  });
});

/** The attributes a namespace's configuration decides, and the capacity and label counts that follow. */
const CONFIGURED = [
  ...['uuid', 'size', 'alt_name', 'sector_size', 'holder_class', 'dpa_extents', 'nstype', 'resource'].flatMap((a) => [`region0/namespace0.0/${a}`, `region1/namespace1.0/${a}`]),
  ...[0, 1].flatMap((r) => [`region${r}/available_size`, `region${r}/max_available_extent`]),
  ...[0, 1, 2, 3].map((d) => `nmem${d}/available_slots`),
];

/** Our reading of those attributes next to the capture's (content, or errno). */
function configuredState(capture: string): { ours: Record<string, string>; kernel: Record<string, string> } {
  const paths = CONFIGURED.map((p) => `${NDBUS0}/${p}`);
  const kernel = loadCapture('nfit_test', capture, paths);
  const ours: Record<string, string> = {};
  const theirs: Record<string, string> = {};
  for (const p of paths) {
    const e = kernel.get(p);
    theirs[p] = e?.content ?? `errno ${e?.errno ?? 'missing'}`;
    try {
      ours[p] = fs.read(p);
    } catch {
      ours[p] = `errno ${fs.readErrno(p)}`;
    }
  }
  return { ours, kernel: theirs };
}

describe('the labels written', () => {
  it('are those the real kernel wrote for ndctl create-namespace on both regions', () => {
    // commands.log 03 (fsdax on region1), then 04 (devdax on region0): the label writes of each.
    setupNamespace(`${NDBUS0}/region1/namespace1.0`, UUID_B, 4 * SZ_16M, 'pfn');
    const after03 = configuredState('tree-03-after-fsdax.jsonl');
    expect(after03.ours).toEqual(after03.kernel);
    setupNamespace(NS0, UUID_A, 2 * SZ_16M, 'dax');
    const after04 = configuredState('tree-04-after-devdax.jsonl');
    expect(after04.ours).toEqual(after04.kernel);
    for (const d of [0, 1, 2, 3]) {
      const captured = parseReadLabels(readFileSync(join(REPO_ROOT, `test/fixtures/nfit_test/06-read-labels-j-nmem${d}.out`), 'utf8'))[0];
      expect(readLabelsJson(`nmem${d}`, labelArea(d)), `nmem${d}`).toEqual(captured);
    }
  });
});

describe('a configured namespace', () => {
  beforeEach(() => {
    fs.write(`${NS0}/uuid`, `${UUID_A}\0`);
    fs.write(`${NS0}/alt_name`, 'first\n');
    fs.write(`${NS0}/sector_size`, '4096\n');
    fs.write(`${NS0}/size`, '0x1000000\n');
  });

  it('binds to nd_pmem with a block device, and the region offers a new seed', () => {
    expect(fs.write('/sys/bus/nd/drivers/nd_pmem/bind', 'namespace0.0\0')).toBe(13);
    expect(sim.vfs.readdir(`${NS0}/block`)).toEqual(['pmem0']);
    expect(fs.read(`${NS0}/block/pmem0/size`)).toBe(`${SZ_16M / 512}\n`);
    expect(fs.read(`${REGION0}/namespace_seed`)).toBe('namespace0.1\n');
    expect(fs.read(`${NS1}/size`)).toBe('0\n');
    expect(fs.read(`${NS1}/devtype`)).toBe('nd_namespace_pmem\n');
    // The seed cannot bind: too small, no uuid.
    expect(fs.writeErrno('/sys/bus/nd/drivers/nd_pmem/bind', 'namespace0.1\0')).toBe(ERRNO.ENODEV);
  });

  it('refuses configuration while bound, but not force_raw', () => {
    driverWrite(sim.vfs, 'nd_pmem', 'bind', 'namespace0.0');
    for (const [attr, value] of [
      ['uuid', `${UUID_B}\0`],
      ['size', '0\n'],
      ['alt_name', 'x\n'],
      ['sector_size', '512\n'],
      ['holder_class', 'pfn\0'],
    ] as const) {
      expect(fs.writeErrno(`${NS0}/${attr}`, value), attr).toBe(ERRNO.EBUSY);
    }
    expect(fs.write(`${NS0}/force_raw`, '1\n')).toBe(2);
  });

  it('is found again from its labels when the region is enabled again, and binds by itself', () => {
    disableRegion(sim.vfs, 0);
    expect(sim.vfs.readdir(REGION0)).not.toContain('namespace0.0');
    driverWrite(sim.vfs, 'nd_region', 'bind', 'region0');
    expect(fs.read(`${NS0}/uuid`)).toBe(`${UUID_A}\n`);
    expect(fs.read(`${NS0}/size`)).toBe(`${SZ_16M}\n`);
    expect(fs.read(`${NS0}/alt_name`)).toBe('first\n');
    expect(fs.read(`${NS0}/sector_size`)).toBe('512 [4096] \n');
    expect(fs.read(`${NS0}/resource`)).toBe('0x100000000\n');
    expect(sim.vfs.readdir(`${NS0}/block`)).toEqual(['pmem0']);
    expect(fs.read(`${REGION0}/init_namespaces`)).toBe('1/1\n');
    expect(fs.read(`${REGION0}/namespace_seed`)).toBe('namespace0.1\n');
    expect(fs.read(`${REGION0}/available_size`)).toBe(`${SZ_16M}\n`);
  });

  it('a second namespace goes after the first, and deleting it (not the seed, not id 0) unregisters it', () => {
    driverWrite(sim.vfs, 'nd_pmem', 'bind', 'namespace0.0');
    fs.write(`${NS1}/uuid`, `${UUID_B}\0`);
    fs.write(`${NS1}/size`, '0x1000000\n');
    expect(fs.read(`${NS1}/resource`)).toBe('0x101000000\n');
    expect(fs.read(`${REGION0}/available_size`)).toBe('0\n');
    expect(fs.read(`${nmemPath(0)}/available_slots`)).toBe('1017\n');
    driverWrite(sim.vfs, 'nd_pmem', 'bind', 'namespace0.1');
    expect(fs.read(`${REGION0}/namespace_seed`)).toBe('namespace0.2\n');
    driverWrite(sim.vfs, 'nd_pmem', 'unbind', 'namespace0.1');
    expect(fs.write(`${NS1}/size`, '0\n')).toBe(2);
    expect(sim.vfs.readdir(REGION0)).not.toContain('namespace0.1');
    expect(fs.read(`${REGION0}/available_size`)).toBe(`${SZ_16M}\n`);
  });
});
