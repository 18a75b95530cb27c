// `ndsim explain` in-process: activation predictions from the model's
// state (and that explaining never writes), modes and values as a reader
// sees them, symlinked and directory paths, unknown paths, and a
// documentation entry for every file of every built-in topology's tree,
// configured namespaces (fsdax, devdax, sector) included.
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/daemon/daemon.js';
import { explain, ExplainError, formatExplanation, type AttributeExplanation, type DirectoryExplanation, type Explanation } from '../../src/explain/explain.js';
import { ERRNO } from '../../src/kernel/errno.js';
import { listBuiltinTopologies } from '../../src/topology/load.js';
import { NdctlSession } from '../support/ndctl-namespaces.js';
import { initLabelsOnBus0 } from '../support/ndctl-ops.js';
import { makeSimulation, NDBUS0, nmemPath, O_WRONLY, SysfsClient } from './helpers.js';

const BUS_ACTIVATE = `${NDBUS0}/firmware/activate`;
const dimmActivate = (n: number) => `${nmemPath(n)}/firmware/activate`;

/** A write the way the brief's user does it: open O_WRONLY, one write(2), release. */
function write(sim: Simulation, path: string, text: string): number {
  const h = sim.vfs.open(path, O_WRONLY);
  try {
    return sim.vfs.write(h, Buffer.from(text, 'latin1'));
  } finally {
    sim.vfs.release(h);
  }
}

function attribute(e: Explanation): AttributeExplanation {
  if (e.type !== 'attribute') throw new Error(`expected an attribute, got a ${e.type}`);
  return e;
}

function directory(e: Explanation): DirectoryExplanation {
  if (e.type !== 'directory') throw new Error(`expected a directory, got a ${e.type}`);
  return e;
}

const outcome = (e: AttributeExplanation, input: string) => e.write.outcomes.find((o) => o.input === input)?.effect ?? '';

describe('bus firmware/activate', () => {
  it('idle: the value, the mode, the DSMs, and live/quiesce fail ENXIO because nothing is armed', () => {
    const sim = makeSimulation();
    const e = attribute(explain(sim, BUS_ACTIVATE));
    expect(e.device?.kind).toBe('bus');
    expect(e.device?.path).toBe(NDBUS0);
    expect(e.attribute).toBe('firmware/activate');
    expect(e.access).toMatchObject({ octal: '0600', symbolic: '-rw-------', read: 'root only', write: 'root only' });
    expect(e.value).toEqual({ ok: true, text: 'idle\n' });
    expect(e.doc?.dsm?.read?.map((d) => [d.family, d.fn])).toEqual([['Intel bus', 1]]);
    expect(e.doc?.dsm?.write?.map((d) => d.name)).toContain('FW_ACTIVATE');
    expect(e.doc?.meaning).toContain('drivers/nvdimm/core.c activate_show/activate_store');
    expect(outcome(e, 'live')).toMatch(/^fails ENXIO: nothing armed/);
    expect(outcome(e, 'quiesce')).toMatch(/^fails ENXIO: nothing armed/);
    expect(outcome(e, 'anything else')).toMatch(/^fails EINVAL/);
  });

  it('armed through a vfs write of "arm\\n": live calls FW_ACTIVATE, quiesce freezes around it, and nothing is written', () => {
    const sim = makeSimulation();
    const fs = new SysfsClient(sim);
    expect(write(sim, dimmActivate(0), 'arm\n')).toBe(4);
    const e = attribute(explain(sim, BUS_ACTIVATE));
    expect(e.value).toEqual({ ok: true, text: 'armed\n' });
    expect(e.write.summary).toContain('armed: nmem0');
    expect(outcome(e, 'live')).toMatch(/^calls the provider's activate directly/);
    expect(outcome(e, 'live')).toContain('Intel bus DSM function 2 FW_ACTIVATE');
    expect(outcome(e, 'live')).toContain('FORCE_IDLE (0)');
    expect(outcome(e, 'quiesce')).toContain('hibernate_quiet_exec');
    expect(outcome(e, 'anything else')).toMatch(/^fails EINVAL/);
    // Explaining is not activating: the bus and the DIMM are still armed.
    expect(fs.read(BUS_ACTIVATE)).toBe('armed\n');
    expect(fs.read(dimmActivate(0))).toBe('armed\n');
    expect(fs.read(`${nmemPath(0)}/firmware/result`)).toBe('none\n');

    const text = formatExplanation(e);
    expect(text).toContain('value       "armed\\n"');
    expect(text).toContain('mode        0600 -rw-------');
    expect(text).toMatch(/\n {2}live: +calls the provider's activate directly/);
  });

  it('follows noidle into the FW_ACTIVATE it predicts', () => {
    const sim = makeSimulation();
    write(sim, dimmActivate(1), 'arm\n');
    write(sim, `${NDBUS0}/nfit/firmware_activate_noidle`, '1\n');
    expect(outcome(attribute(explain(sim, BUS_ACTIVATE)), 'live')).toContain('OS_IDLE (1)');
    const noidle = attribute(explain(sim, `${NDBUS0}/nfit/firmware_activate_noidle`));
    expect(noidle.value).toEqual({ ok: true, text: 'Y\n' });
    expect(noidle.write.summary).toMatch(/^Currently Y/);
    expect(outcome(noidle, '0, n, off')).toContain('forgets the cached capability');
  });

  it('overflow with four DIMMs armed, then busy after an activation (EBUSY)', () => {
    const sim = makeSimulation();
    for (let n = 0; n < 4; n++) write(sim, dimmActivate(n), 'arm\n');
    const over = attribute(explain(sim, BUS_ACTIVATE));
    expect(over.value).toEqual({ ok: true, text: 'overflow\n' });
    expect(outcome(over, 'live')).toContain('The state is overflow');
    expect(write(sim, BUS_ACTIVATE, 'live\n')).toBe(5);
    const busy = attribute(explain(sim, BUS_ACTIVATE));
    expect(busy.value).toEqual({ ok: true, text: 'busy\n' });
    expect(outcome(busy, 'live')).toMatch(/^fails EBUSY/);
    expect(outcome(attribute(explain(sim, dimmActivate(0))), 'arm')).toMatch(/^fails EBUSY/);
  });
});

describe('DIMM firmware files', () => {
  it('result: 0400, root only, "none", DIMM DSM 29, read-only', () => {
    const sim = makeSimulation();
    const e = attribute(explain(sim, `${nmemPath(0)}/firmware/result`));
    expect(e.device).toMatchObject({ kind: 'dimm', name: 'nmem0', driver: 'nvdimm' });
    expect(e.access).toMatchObject({ octal: '0400', symbolic: '-r--------', read: 'root only', writable: false });
    expect(e.value).toEqual({ ok: true, text: 'none\n' });
    expect(e.doc?.dsm?.read?.map((d) => [d.family, d.fn, d.name])).toEqual([['Intel DIMM', 29, 'FW_ACTIVATE_DIMMINFO']]);
    expect(e.write).toEqual({ summary: 'read-only: any write fails EACCES at open', outcomes: [] });
  });

  it('activate: idle arms with DSM 30 and disarm is a no-op; armed the reverse', () => {
    const sim = makeSimulation();
    const idle = attribute(explain(sim, dimmActivate(2)));
    expect(idle.value).toEqual({ ok: true, text: 'idle\n' });
    expect(outcome(idle, 'arm')).toContain('DSM function 30 FW_ACTIVATE_ARM with activate_arm=1');
    expect(outcome(idle, 'disarm')).toMatch(/without calling the firmware/);
    write(sim, dimmActivate(2), 'arm\n');
    const armed = attribute(explain(sim, dimmActivate(2)));
    expect(outcome(armed, 'arm')).toMatch(/without calling the firmware/);
    expect(outcome(armed, 'disarm')).toContain('activate_arm=0');
  });

  it('capability is read-only for everyone but readable by anyone', () => {
    const e = attribute(explain(makeSimulation(), `${NDBUS0}/firmware/capability`));
    expect(e.access).toMatchObject({ octal: '0444', symbolic: '-r--r--r--', read: 'anyone' });
    expect(e.value).toEqual({ ok: true, text: 'quiesce\n' });
    expect(e.write.summary).toBe('read-only: any write fails EACCES at open');
  });
});

describe('reads that fail', () => {
  it('EOPNOTSUPP once the bus has lost its activation capability (noidle change, businfo failing)', () => {
    const sim = makeSimulation();
    const bus = sim.system.buses[0];
    if (!bus) throw new Error('no bus');
    // A change of noidle forgets the cached capability; the re-query fails, so intel_bus_fwa_capability is INVALID.
    write(sim, `${NDBUS0}/nfit/firmware_activate_noidle`, '1\n');
    bus.platform.faults.set({ fn: 1, errno: ERRNO.EIO });
    for (const file of ['firmware/activate', 'firmware/capability']) {
      const e = attribute(explain(sim, `${NDBUS0}/${file}`));
      expect(e.value).toEqual({ ok: false, errno: 'EOPNOTSUPP', during: 'read' });
      expect(formatExplanation(e)).toContain('value       EOPNOTSUPP (the read fails)');
    }
  });

  it('a topology without activation has an empty firmware/ group: the files do not exist (6.1 hides them)', () => {
    const sim = createSimulation('qemu-nfit', 'virtual');
    const bus = '/sys/bus/nd/devices/ndbus0';
    const group = directory(explain(sim, `${bus}/firmware`));
    expect(group.group).toBe('firmware');
    expect(group.entries).toEqual([]);
    expect(() => explain(sim, `${bus}/firmware/activate`)).toThrow(`no such file: ${bus}/firmware/activate`);
  });

  it('a write-only file fails EACCES at open when read', () => {
    const e = attribute(explain(makeSimulation(), '/sys/class/nfit_test_dimm/test_dimm0/lock_dimm'));
    expect(e.value).toEqual({ ok: false, errno: 'EACCES', during: 'open' });
    expect(e.access).toMatchObject({ octal: '0200', readable: false, writable: true, write: 'root only' });
    expect(e.write.summary).toContain('enabled and locked');
  });
});

describe('paths', () => {
  it('resolves the relative symlinks of /sys/class and /sys/bus on the way', () => {
    const sim = makeSimulation();
    const e = attribute(explain(sim, '/sys/class/nfit_test_dimm/test_dimm0/fail_cmd'));
    expect(e.canonicalPath).toBe('/sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0/fail_cmd');
    expect(e.links).toEqual([{ link: '/sys/class/nfit_test_dimm/test_dimm0', target: '../../devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0' }]);
    expect(e.device?.kind).toBe('nfit_test_dimm');
    expect(e.value).toEqual({ ok: true, text: '0x0\n' });
    expect(e.write.summary).toContain('Slot 0 is nmem0; no DSM function is forced to fail');

    // The vfs, like FUSE below the kernel's path walk, takes canonical paths.
    write(sim, e.canonicalPath, '0x40000000\n');
    const arm = attribute(explain(sim, `/sys/bus/nd/devices/nmem0/firmware/activate`));
    expect(arm.canonicalPath).toBe(dimmActivate(0));
    expect(outcome(arm, 'arm')).toContain('forces DSM 30 to return -5 (EIO)');

    // Two links in a row: /sys/block/pmemN → the gendisk, then its device link back to the namespace.
    const dev = attribute(explain(sim, '/sys/block/pmem0/device/nstype'));
    expect(dev.links.length).toBe(2);
    expect(dev.device?.kind).toBe('namespace');
  });

  it('a directory explains its device: kind, driver and every attribute with a summary', () => {
    const e = directory(explain(makeSimulation(), '/sys/bus/nd/devices/ndbus0'));
    expect(e.canonicalPath).toBe(NDBUS0);
    expect(e.device).toMatchObject({ kind: 'bus', name: 'ndbus0', driver: 'nd_bus', subsystem: 'bus/nd' });
    expect(e.group).toBeNull();
    const byName = new Map(e.entries.map((x) => [x.name, x]));
    expect(byName.get('firmware/activate')).toMatchObject({ type: 'file', mode: '-rw-------' });
    expect(byName.get('firmware/activate')?.summary).toContain('live/quiesce');
    expect(byName.get('nmem0/')).toMatchObject({ type: 'device', summary: 'NVDIMM (dimm)' });
    expect(byName.get('nd/ndctl0/')?.type).toBe('device');
    expect(byName.get('subsystem')?.type).toBe('link');
    for (const x of e.entries) if (x.type === 'file') expect(x.summary, x.name).not.toBe('(undocumented)');
    expect(formatExplanation(e)).toMatch(/\n {2}firmware\/activate +-rw------- {2}runtime firmware-activation state/);
  });

  it('an unknown path throws "no such file: PATH" (ENOENT)', () => {
    const sim = makeSimulation();
    for (const path of [`${NDBUS0}/firmware/no_such_file`, '/sys/bus/nd/devices/nmem99/state', '/nowhere']) {
      let caught: unknown;
      try {
        explain(sim, path);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ExplainError);
      expect((caught as ExplainError).message).toBe(`no such file: ${path}`);
      expect((caught as ExplainError).code).toBe('ENOENT');
    }
  });

  it('a /dev node leads to its sysfs device through /sys/dev/char', () => {
    const e = explain(makeSimulation(), '/dev/nmem0');
    expect(e.type).toBe('devnode');
    expect(e.device?.path).toBe(nmemPath(0));
  });

  it('the explanation is plain data: it survives JSON (the control socket sends it)', () => {
    const sim = makeSimulation();
    for (const path of [BUS_ACTIVATE, NDBUS0, '/dev/ndctl0']) {
      const e = explain(sim, path);
      expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    }
  });
});

/** Every regular file under `root`, links not followed (the tree as the kernel lays it out). */
function files(sim: Simulation, root: string, out: string[] = []): string[] {
  for (const name of sim.vfs.readdir(root)) {
    const path = `${root}/${name}`;
    const type = sim.vfs.getattr(path).mode & 0o170000;
    if (type === 0o040000) files(sim, path, out);
    else if (type === 0o100000) out.push(path);
  }
  return out;
}

/** Files under /sys/devices without a documentation entry, or writable without a word on what a write does. */
function undocumented(sim: Simulation): string[] {
  const missing: string[] = [];
  for (const path of files(sim, '/sys/devices')) {
    const e = attribute(explain(sim, path));
    if (!e.device) missing.push(`${path}: no device`);
    else if (!e.doc) missing.push(`${e.device.kind} ${e.attribute}`);
    else if (e.access.writable && !e.doc.write) missing.push(`${e.device.kind} ${e.attribute}: writable, no write doc`);
  }
  return [...new Set(missing)];
}

describe('documentation covers the whole tree', () => {
  it.each(listBuiltinTopologies().map((t) => t.name))('%s, as booted', (topology) => {
    const sim = createSimulation(topology, 'virtual');
    expect(files(sim, '/sys/devices').length).toBeGreaterThan(100);
    expect(undocumented(sim)).toEqual([]);
  });

  it('nfit_test with an fsdax and a devdax namespace (pfn, nd_dax, dax_region, device-dax, mapping0)', () => {
    const sim = makeSimulation();
    initLabelsOnBus0(sim.system, sim.vfs);
    const ndctl = new NdctlSession(sim.system, sim.vfs);
    expect(ndctl.createNamespace(`${NDBUS0}/region1`, 'fsdax', '674b7ed1-5a1c-4d28-b439-0b076f97e91c', 'bfea0a88-dae8-40eb-8c3d-047f956e36de')).toBe(`${NDBUS0}/region1/namespace1.0`);
    expect(ndctl.createNamespace(`${NDBUS0}/region0`, 'devdax', 'cfe7f4e6-8fe4-44a9-bba8-cc4bb9b9cde1', 'f9f39959-f0ab-440a-9e4a-0fb97d16f921')).toBe(`${NDBUS0}/region0/namespace0.0`);
    const kinds = new Set(files(sim, '/sys/devices').map((p) => attribute(explain(sim, p)).device?.kind));
    for (const kind of ['pfn', 'nd_dax', 'dax', 'dax_mapping', 'pmem_disk']) expect(kinds, kind).toContain(kind);
    expect(undocumented(sim)).toEqual([]);
  });

  it('nfit_test with a sector namespace (btt bound, pmemNs disk)', () => {
    const sim = makeSimulation();
    initLabelsOnBus0(sim.system, sim.vfs);
    const ndctl = new NdctlSession(sim.system, sim.vfs);
    expect(ndctl.createNamespace(`${NDBUS0}/region1`, 'sector', '674b7ed1-5a1c-4d28-b439-0b076f97e91c', 'bfea0a88-dae8-40eb-8c3d-047f956e36de')).toBe(`${NDBUS0}/region1/namespace1.0`);
    const btt = attribute(explain(sim, `${NDBUS0}/region1/btt1.0/size`));
    expect(btt.device?.driver).toBe('nd_pmem');
    expect(btt.value.ok).toBe(true);
    expect(undocumented(sim)).toEqual([]);
  });
});
