// The built-in topologies: they load, a broken file is reported by file, line
// and field, and the in-process model shows what sets each platform apart.
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/daemon/daemon.js';
import { listBuiltinTopologies, loadTopology, parseTopology, TopologyError } from '../../src/topology/load.js';

const BUILTINS = ['fwa-live', 'fwa-none', 'nfit_test', 'qemu-nfit'];
const ACPI_BUS = '/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0';
const NFIT_TEST_BUS = '/sys/devices/platform/nfit_test.0/ndbus0';
const O_RDONLY = 0;

function read(sim: Simulation, path: string): string {
  const h = sim.vfs.open(path, O_RDONLY);
  try {
    return sim.vfs.read(h, 4096, 0).toString('latin1');
  } finally {
    sim.vfs.release(h);
  }
}

function exists(sim: Simulation, path: string): boolean {
  try {
    sim.vfs.getattr(path);
    return true;
  } catch {
    return false;
  }
}

describe('built-in topologies', () => {
  it('lists all four, each with a one-line description', () => {
    const listed = listBuiltinTopologies();
    expect(listed.map((t) => t.name)).toEqual(BUILTINS);
    for (const t of listed) {
      expect(t.description).toMatch(new RegExp(`^${t.name}: `));
      expect(t.description).not.toContain('\n');
    }
  });

  it.each(BUILTINS)('%s loads and builds a simulation', (name) => {
    expect(loadTopology(name).buses.length).toBeGreaterThan(0);
    const sim = createSimulation(name, 'virtual');
    expect(sim.vfs.readdir('/sys/bus/nd/devices')).toContain('ndbus0');
  });
});

describe('a bad topology file', () => {
  /** A minimal valid file; `rest` continues the first bus's mapping. */
  const file = (rest: string) =>
    [
      'description: test',
      'buses:',
      '  - provider: ACPI.NFIT',
      "    parent: { kind: acpi, name: 'ACPI0012:00', path: '\\_SB_.NVDR' }",
      '    nfit: { revision: 1, commands: [cmd_call] }',
      rest,
    ].join('\n');

  function failure(text: string): string {
    try {
      parseTopology(text, 'bad.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      return (e as Error).message;
    }
    throw new Error('parseTopology accepted a bad file');
  }

  it('accepts the minimal file the cases start from', () => {
    expect(parseTopology(file('    dimms: []'), 'ok.yaml').buses[0]?.provider).toBe('ACPI.NFIT');
  });

  it('names file, line and field of a value of the wrong type', () => {
    const msg = failure(file(['    dimms:', '      - handle: one', '        physId: 0'].join('\n')));
    expect(msg).toMatch(/^bad\.yaml:7:\d+: buses\.0\.dimms\.0\.handle: .*expected number/);
  });

  it('names the unknown key and its line', () => {
    const msg = failure(file(['    dimms:', '      - handle: 1', '        physId: 0', '        colour: red'].join('\n')));
    expect(msg).toMatch(/^bad\.yaml:9:\d+: buses\.0\.dimms\.0\.colour: Unrecognized key: "colour"/);
  });

  it('rejects a duplicate DIMM handle at the second one', () => {
    const msg = failure(file(['    dimms:', '      - { handle: 0x101, physId: 0 }', '      - { handle: 0x101, physId: 1 }'].join('\n')));
    expect(msg).toMatch(/^bad\.yaml:8:\d+: buses\.0\.dimms\.1\.handle: duplicate DIMM handle 257/);
  });

  it('names the field of a bad machine actor, and a duplicate actor name', () => {
    const bad = failure(file(['machine:', '  devices:', '    - { name: rdma0, freeze: sometimes }'].join('\n')));
    expect(bad).toMatch(/^bad\.yaml:8:\d+: machine\.devices\.0\.freeze: Invalid option: expected one of "ok"\|"keeps-dma"\|"fails"/);
    const errno = failure(file(['machine:', '  devices:', '    - { name: gpu0, freeze: fails, freezeErrno: EWHATEVER }'].join('\n')));
    expect(errno).toMatch(/^bad\.yaml:8:\d+: machine\.devices\.0\.freezeErrno: Invalid option/);
    const dup = failure(file(['machine:', '  processes: [{ name: db }]', '  devices: [{ name: nic0 }, { name: db }]'].join('\n')));
    expect(dup).toMatch(/^bad\.yaml:8:\d+: machine\.devices\.1\.name: duplicate actor name db/);
  });

  it('rejects a mapping onto a DIMM the bus does not have', () => {
    const msg = failure(
      file(
        [
          '    dimms:',
          '      - { handle: 1, physId: 0 }',
          '    regions:',
          '      - rangeIndex: 1',
          '        spa: 0x100000000',
          '        size: 16777216',
          '        mappings:',
          '          - { dimm: 2, dpa: 0, size: 16777216 }',
        ].join('\n'),
      ),
    );
    expect(msg).toMatch(/^bad\.yaml:13:\d+: buses\.0\.regions\.0\.mappings\.0\.dimm: no registered DIMM with handle 2/);
  });

  it('reports invalid YAML with its position', () => {
    const msg = failure(file('    dimms: [ { handle: 1'));
    expect(msg).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: /);
  });
});

describe('what sets the topologies apart', () => {
  it('nfit_test: the bus firmware needs a quiesce (FWQUIESCE)', () => {
    const sim = createSimulation('nfit_test', 'virtual');
    expect(read(sim, `${NFIT_TEST_BUS}/firmware/capability`)).toBe('quiesce\n');
    expect(read(sim, `${NFIT_TEST_BUS}/provider`)).toBe('nfit_test.0\n');
  });

  it('fwa-live: OSQUIESCE only reads "live", with activation files on bus and DIMMs', () => {
    const sim = createSimulation('fwa-live', 'virtual');
    expect(read(sim, `${ACPI_BUS}/firmware/capability`)).toBe('live\n');
    expect(read(sim, `${ACPI_BUS}/firmware/activate`)).toBe('idle\n');
    expect(read(sim, `${ACPI_BUS}/nfit/firmware_activate_noidle`)).toBe('N\n');
    const dimms = sim.vfs.readdir(ACPI_BUS).filter((n) => n.startsWith('nmem'));
    expect(dimms.length).toBeGreaterThanOrEqual(2);
    for (const d of dimms) {
      // readdir answers in kernfs order; compare the set of names.
      expect(sim.vfs.readdir(`${ACPI_BUS}/${d}/firmware`).sort()).toEqual(['activate', 'result']);
      expect(read(sim, `${ACPI_BUS}/${d}/nfit/dsm_mask`)).toBe('0x6001f070\n');
    }
    expect(sim.vfs.readdir(ACPI_BUS).some((n) => /^region\d+$/.test(n))).toBe(true);
  });

  it('fwa-none: firmware/ directories exist and are empty, no noidle knob', () => {
    const sim = createSimulation('fwa-none', 'virtual');
    expect(sim.vfs.readdir(`${ACPI_BUS}/firmware`)).toEqual([]);
    const dimms = sim.vfs.readdir(ACPI_BUS).filter((n) => n.startsWith('nmem'));
    expect(dimms.length).toBeGreaterThan(0);
    for (const d of dimms) {
      expect(sim.vfs.readdir(`${ACPI_BUS}/${d}/firmware`)).toEqual([]);
      // Firmware update (12-16) without activation (29-30).
      expect(read(sim, `${ACPI_BUS}/${d}/nfit/dsm_mask`)).toBe('0x1f070\n');
    }
    expect(exists(sim, `${ACPI_BUS}/nfit/firmware_activate_noidle`)).toBe(false);
    expect(exists(sim, `${ACPI_BUS}/nfit/revision`)).toBe(true);
  });

  it('qemu-nfit: ACPI.NFIT provider, no ARS (no nfit/scrub), empty firmware dirs', () => {
    const sim = createSimulation('qemu-nfit', 'virtual');
    expect(read(sim, `${ACPI_BUS}/provider`)).toBe('ACPI.NFIT\n');
    expect(read(sim, `${ACPI_BUS}/commands`)).toBe('cmd_call \n');
    expect(exists(sim, `${ACPI_BUS}/nfit/scrub`)).toBe(false);
    expect(exists(sim, `${ACPI_BUS}/nfit/firmware_activate_noidle`)).toBe(false);
    expect(sim.vfs.readdir(`${ACPI_BUS}/firmware`)).toEqual([]);
    for (const d of ['nmem0', 'nmem1']) expect(sim.vfs.readdir(`${ACPI_BUS}/${d}/firmware`)).toEqual([]);
    expect(read(sim, `${ACPI_BUS}/region0/deep_flush`)).toBe('0\n');
    expect(sim.vfs.getattr(`${ACPI_BUS}/region0/deep_flush`).mode & 0o777).toBe(0o444);
  });
});
