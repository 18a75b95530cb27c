// `ndsim render` writes the fake root as an ordinary tree, file for file
// as the in-process walk sees it; the benchmark's generated scale
// topologies are what their generator makes, load, and grow linearly.
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/daemon/daemon.js';
import { render } from '../../src/sysfs/render.js';
import { scaleTopology, SCALE_SIZES } from '../../src/bench/scale-topology.js';
import { walkVfs } from '../support/vfs-walk.js';

const REPO = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'ndsim-render-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ndsim render', () => {
  it('writes every directory, file, mode and symlink of the tree as the vfs shows it', () => {
    const sim = createSimulation('nfit_test', 'virtual');
    const dir = join(scratch, 'nfit_test');
    const result = render(sim.vfs, '/', dir);
    const entries = walkVfs(sim.vfs, '/sys');
    let files = 0;
    for (const [path, e] of entries) {
      const at = join(dir, path);
      const st = lstatSync(at);
      expect((st.mode & 0o7777).toString(8).padStart(4, '0'), path).toBe(e.mode);
      if (e.type === 'link') expect(readlinkSync(at), path).toBe(e.target);
      else if (e.type === 'dir') expect(st.isDirectory(), path).toBe(true);
      else {
        files += 1;
        expect(st.isFile(), path).toBe(true);
        // A file whose read fails is written empty: a static tree cannot fail a read.
        expect(readFileSync(at, 'latin1'), path).toBe('content' in e ? e.content : '');
      }
    }
    expect(files).toBeGreaterThan(500);
    expect(result.devices.map((d) => d.path).sort()).toEqual(expect.arrayContaining(['dev/ndctl0', 'dev/nmem0', 'dev/pmem0']));
    expect(result.devices.find((d) => d.path === 'dev/nmem0')).toMatchObject({ kind: 'c', minor: 0, mode: 0o600 });
  });

  it('makes the device nodes as root, through one shell', (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip('mknod needs root');
    const dir = join(scratch, 'qemu-nfit');
    const r = spawnSync(process.execPath, [join(REPO, 'bin/ndsim.js'), 'render', dir, '--topology', 'qemu-nfit'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ndsim: rendered qemu-nfit to .*, \d+ device nodes\n$/);
    const nmem1 = lstatSync(join(dir, 'dev/nmem1'));
    expect(nmem1.isCharacterDevice()).toBe(true);
    // QEMU's dimmctl major is 245 (topologies/qemu-nfit.yaml); nmem1 is minor 1.
    expect([Math.floor(nmem1.rdev / 256), nmem1.rdev % 256, nmem1.mode & 0o7777]).toEqual([245, 1, 0o600]);
    expect(readFileSync(join(dir, 'sys/bus/nd/devices/nmem1/dev'), 'utf8')).toBe('245:1\n');
  });

  it('refuses a directory that is not empty, in one line, and writes nothing', () => {
    const dir = join(scratch, 'busy');
    rmSync(dir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'keep'), 'x');
    const r = spawnSync(process.execPath, [join(REPO, 'bin/ndsim.js'), 'render', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`ndsim: render: ${dir} is not empty\n`);
    expect(readFileSync(join(dir, 'keep'), 'utf8')).toBe('x');
  });
});

describe('scale topologies (topologies/scale)', () => {
  it.each(SCALE_SIZES)('scale-%i.yaml is what the generator makes', (n) => {
    expect(readFileSync(join(REPO, `topologies/scale/scale-${n}.yaml`), 'utf8')).toBe(scaleTopology(n));
  });

  it('grow linearly: each DIMM adds the same files', () => {
    const count = (n: number) => {
      writeFileSync(join(scratch, `scale-${n}.yaml`), scaleTopology(n));
      return walkVfs(createSimulation(join(scratch, `scale-${n}.yaml`), 'virtual').vfs, '/sys').size;
    };
    const [one, two, four] = [count(1), count(2), count(4)];
    expect(four - two).toBe(2 * (two - one));
    const sim = createSimulation(join(REPO, 'topologies/scale/scale-4.yaml'), 'virtual');
    expect(sim.system.dimms).toHaveLength(4);
    expect(sim.system.regions).toHaveLength(4);
  });

  it('refuses sizes it cannot number', () => {
    expect(() => scaleTopology(0)).toThrow(RangeError);
    expect(() => scaleTopology(5000)).toThrow(RangeError);
  });
});
