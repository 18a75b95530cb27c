// /sys/module for the nvdimm stack against the real-kernel captures
// (test/fixtures/*/tree-01-initial.jsonl, qemu-nfit's tree-02b with every
// region disabled): every captured path but sections/ and notes/, no extra
// ones, and the parameter, uevent and refcnt behaviour behind them.
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/daemon/daemon.js';
import { isKernelError } from '../../src/kernel/errno.js';
import type { NvdimmSystem } from '../../src/nvdimm/system.js';
import { NVDIMM_MODULES, type ModuleBuild } from '../../src/sysfs/module-table.js';
import { addModules, loadedModules, moduleBuild } from '../../src/sysfs/modules.js';
import { lookup, type DirNode } from '../../src/sysfs/node.js';
import { buildTree } from '../../src/sysfs/tree.js';
import { SysfsVfs } from '../../src/sysfs/vfs.js';
import { O_RDONLY, O_WRONLY, SysfsClient } from './helpers.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const EACCES = 13;
const EINVAL = 22;

interface Entry {
  path: string;
  type: 'dir' | 'file' | 'link';
  mode: string;
  target?: string;
  size?: number;
  content?: string;
  op?: string;
  errno?: number;
}

/** Load addresses and build notes: not emulated (see src/sysfs/modules.ts). */
function skipped(path: string): boolean {
  const part = path.split('/')[4];
  return part === 'sections' || part === 'notes';
}

function captured(topology: string, stage = 'tree-01-initial'): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const line of readFileSync(join(FIXTURES, topology, `${stage}.jsonl`), 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as Entry;
    if (e.path.startsWith('/sys/module/') && !skipped(e.path)) out.set(e.path, e);
  }
  return out;
}

/** The simulation's model under a vfs whose tree has /sys/module, rebuilt on shape changes as the daemon does. */
function setup(topology: string) {
  const sim = createSimulation(topology, 'virtual');
  const system = sim.system;
  let built: { generation: number; root: DirNode } | undefined;
  const tree = (): DirNode => {
    if (!built || built.generation !== system.generation) {
      const root = buildTree(system);
      addModules(root, system);
      built = { generation: system.generation, root };
    }
    return built.root;
  };
  const vfs = new SysfsVfs({ tree });
  return { system, vfs, tree, client: new SysfsClient({ clock: sim.clock, system, vfs, tracer: sim.tracer }) };
}

function errno(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (isKernelError(e)) return e.errno;
    throw e;
  }
  return undefined;
}

/** Our tree walked as the capture was: getattr, readlink, readdir, one read from offset 0. */
function walk(vfs: SysfsVfs, path: string, out: Map<string, Entry>): void {
  const st = vfs.getattr(path);
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  const kind = st.mode & 0o170000;
  if (kind === 0o120000) {
    out.set(path, { path, type: 'link', mode, target: vfs.readlink(path) });
  } else if (kind === 0o040000) {
    out.set(path, { path, type: 'dir', mode });
    for (const name of vfs.readdir(path)) walk(vfs, `${path}/${name}`, out);
  } else {
    let h: number;
    try {
      h = vfs.open(path, O_RDONLY);
    } catch (e) {
      if (!isKernelError(e)) throw e;
      out.set(path, { path, type: 'file', mode, size: st.size, op: 'open', errno: e.errno });
      return;
    }
    try {
      out.set(path, { path, type: 'file', mode, size: st.size, content: vfs.read(h, 4096, 0).toString('latin1') });
    } catch (e) {
      if (!isKernelError(e)) throw e;
      out.set(path, { path, type: 'file', mode, size: st.size, op: 'read', errno: e.errno });
    } finally {
      vfs.release(h);
    }
  }
}

function ours(vfs: SysfsVfs): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const name of vfs.readdir('/sys/module')) walk(vfs, `/sys/module/${name}`, out);
  return out;
}

/** The fields compared: type, mode, link target, size, content or errno (and at which step). */
function comparable(e: Entry): Record<string, unknown> {
  const o: Record<string, unknown> = { type: e.type, mode: e.mode };
  for (const key of ['target', 'size', 'content', 'op', 'errno'] as const) if (e[key] !== undefined) o[key] = e[key];
  return o;
}

function expectMatches(theirs: Map<string, Entry>, mine: Map<string, Entry>): void {
  expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
  for (const [path, e] of theirs) expect({ path, ...comparable(mine.get(path)!) }).toEqual({ path, ...comparable(e) });
}

const TOPOLOGIES = [
  { topology: 'nfit_test', build: 'nfit_test' as ModuleBuild },
  { topology: 'qemu-nfit', build: 'distro' as ModuleBuild },
];

for (const { topology, build } of TOPOLOGIES) {
  describe(`/sys/module on ${topology}`, () => {
    it(`loads the ${build} build of the modules the capture lists`, () => {
      const { system } = setup(topology);
      expect(moduleBuild(system)).toBe(build);
      const names = new Set([...captured(topology).keys()].map((p) => p.split('/')[3]));
      expect(loadedModules(build).map(({ spec }) => spec.name).sort()).toEqual([...names].sort());
    });

    it('matches every captured path but sections/ and notes/, with no extra paths', () => {
      const { vfs } = setup(topology);
      expectMatches(captured(topology), ours(vfs));
    });

    it('reads every module live', () => {
      const { vfs, client } = setup(topology);
      for (const name of vfs.readdir('/sys/module')) expect(client.read(`/sys/module/${name}/initstate`)).toBe('live\n');
    });

    it('links each nd and dax driver both ways; drivers on other buses dangle (not emulated)', () => {
      const { tree } = setup(topology);
      const root = tree();
      const resolves = (at: string, target: string) => errno(() => lookup(root, posix.resolve(posix.dirname(at), target))) === undefined;
      for (const [path, e] of captured(topology)) {
        if (e.type !== 'link' || !path.includes('/drivers/')) continue;
        const emulated = /^(nd|dax):/.test(posix.basename(path));
        expect({ path, resolves: resolves(path, e.target!) }).toEqual({ path, resolves: emulated });
      }
      for (const bus of ['nd', 'dax']) {
        for (const driver of (lookup(root, `/sys/bus/${bus}/drivers`) as DirNode).entries.keys()) {
          const at = `/sys/bus/${bus}/drivers/${driver}/module`;
          const link = lookup(root, at);
          expect(link.kind === 'link' && resolves(at, link.target)).toBe(true);
        }
      }
    });
  });
}

describe('/sys/module parameters', () => {
  const NFIT = '/sys/module/nfit/parameters';

  it('refuses a bad bool and keeps the value; takes a good one, across tree rebuilds', () => {
    const { system, client } = setup('qemu-nfit');
    for (const bad of ['bogus\n', '\n', 'x', '2']) {
      expect(client.writeErrno(`${NFIT}/force_enable_dimms`, bad)).toBe(EINVAL);
      expect(client.read(`${NFIT}/force_enable_dimms`)).toBe('N\n');
    }
    expect(client.write(`${NFIT}/no_init_ars`, 'Y\n')).toBe(2);
    expect(client.read(`${NFIT}/no_init_ars`)).toBe('Y\n');
    expect(client.writeErrno(`${NFIT}/no_init_ars`, 'maybe')).toBe(EINVAL);
    expect(client.read(`${NFIT}/no_init_ars`)).toBe('Y\n');
    // A value written before a bind/unbind (which rebuilds the tree) stays.
    system.unbind('nd_region', 'region0');
    expect(client.read(`${NFIT}/no_init_ars`)).toBe('Y\n');
    expect(client.write(`${NFIT}/no_init_ars`, 'off\0')).toBe(4);
    expect(client.read(`${NFIT}/no_init_ars`)).toBe('N\n');
    // Another simulation starts from the defaults.
    expect(setup('qemu-nfit').client.read(`${NFIT}/no_init_ars`)).toBe('N\n');
  });

  it('refuses writing the read-only ones at open, for root too', () => {
    const { client, vfs } = setup('nfit_test');
    for (const p of [`${NFIT}/force_labels`, `${NFIT}/default_dsm_family`, `${NFIT}/override_dsm_mask`, '/sys/module/libnvdimm/parameters/key_revalidate']) {
      expect(errno(() => vfs.open(p, O_WRONLY))).toBe(EACCES);
    }
    expect(client.read(`${NFIT}/default_dsm_family`)).toBe('-1\n');
    expect(client.read('/sys/module/libnvdimm/parameters/key_revalidate')).toBe('Y\n');
  });
});

describe('/sys/module uevent and refcnt', () => {
  it('takes a uevent action word and refuses anything else; cannot be read', () => {
    const { client } = setup('nfit_test');
    expect(client.write('/sys/module/nd_pmem/uevent', 'change\n')).toBe(7);
    expect(client.writeErrno('/sys/module/nd_pmem/uevent', 'bogus\n')).toBe(EINVAL);
    expect(client.readErrno('/sys/module/nd_pmem/uevent')).toBe(EACCES);
  });

  it('drops the bus provider pin of each disabled region (qemu-nfit tree-02b) and takes it back', () => {
    const { system, vfs, client } = setup('qemu-nfit');
    system.unbind('nd_region', 'region0');
    expect(client.read('/sys/module/nfit/refcnt')).toBe('1\n');
    system.unbind('nd_region', 'region1');
    expectMatches(captured('qemu-nfit', 'tree-02b-regions-disabled'), ours(vfs));
    system.bind('nd_region', 'region0');
    system.bind('nd_region', 'region1');
    expectMatches(captured('qemu-nfit'), ours(vfs));
  });

  it('pins nfit_test, not nfit, for nfit_test regions', () => {
    const { system, client } = setup('nfit_test');
    system.unbind('nd_region', 'region2');
    expect(client.read('/sys/module/nfit_test/refcnt')).toBe('3\n');
    expect(client.read('/sys/module/nfit/refcnt')).toBe('1\n');
  });
});

describe('the module table', () => {
  it('names only modules of the same build as dependencies', () => {
    for (const b of ['distro', 'nfit_test'] as const) {
      const loaded = new Set(loadedModules(b).map(({ spec }) => spec.name));
      const missing = loadedModules(b).flatMap(({ spec, facts }) => facts.uses.filter((u) => !loaded.has(u)).map((u) => `${spec.name} uses ${u}`));
      expect(missing).toEqual([]);
    }
    expect(new Set(NVDIMM_MODULES.map((m) => m.name)).size).toBe(NVDIMM_MODULES.length);
  });

  it('can be added twice to the same root (tree.ts may call it as well)', () => {
    const sim = createSimulation('nfit_test', 'virtual');
    const system: NvdimmSystem = sim.system;
    const root = buildTree(system);
    addModules(root, system);
    addModules(root, system);
    const vfs = new SysfsVfs({ tree: () => root });
    expectMatches(captured('nfit_test'), ours(vfs));
  });
});
