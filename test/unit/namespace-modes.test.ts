// commands.log steps 03-07 in-process: ndctl create-namespace -m fsdax
// (pfn1.0 on namespace1.0), -m devdax (dax0.0 on namespace0.0), -m sector
// (refused: no region has capacity left), then destroy-namespace all -f,
// done with ndctl 76.1's sysfs writes. After each, the tree must be the
// one the real kernel showed (test/fixtures/nfit_test/tree-0{3,4,5,7}-*),
// /sys/bus/dax included.
import { beforeAll, describe, expect, it } from 'vitest';
import { initLabelsOnBus0 } from '../support/ndctl-ops.js';
import { NdctlSession } from '../support/ndctl-namespaces.js';
import { compareTrees, loadCapture, type Entry } from '../support/tree-capture.js';
import { walkVfs } from '../support/vfs-walk.js';
import { makeSimulation, NDBUS0 } from './helpers.js';

const NDBUS1 = '/sys/devices/platform/nfit_test.1/ndbus1';
const ROOTS = ['/sys/devices/platform/nfit_test.0', '/sys/devices/platform/nfit_test.1', '/sys/bus/nd', '/sys/class/nd', '/sys/bus/dax'];
/** The uuids ndctl generated in the capture (03-create-namespace-fsdax.out, 04-...-devdax.out, tree-03/04). */
const NS1_UUID = '674b7ed1-5a1c-4d28-b439-0b076f97e91c';
const PFN_UUID = 'bfea0a88-dae8-40eb-8c3d-047f956e36de';
const NS0_UUID = 'cfe7f4e6-8fe4-44a9-bba8-cc4bb9b9cde1';
const DAX_UUID = 'f9f39959-f0ab-440a-9e4a-0fb97d16f921';

/**
 * Our tree against the capture's. When each bus's boot scrub ended is
 * timing, not behaviour (shared/oracle/README.md): nfit/scrub is left out.
 */
function treeDiff(sim: ReturnType<typeof makeSimulation>, capture: string) {
  const ours = new Map<string, Entry>();
  for (const root of ROOTS) walkVfs(sim.vfs, root, ours);
  const theirs = loadCapture('nfit_test', capture, ROOTS);
  for (const map of [ours, theirs]) for (const path of map.keys()) if (path.endsWith('/nfit/scrub')) map.delete(path);
  return compareTrees(ours, theirs);
}

describe('namespace personalities through the capture (steps 03-07)', () => {
  const sim = makeSimulation();
  const ndctl = new NdctlSession(sim.system, sim.vfs);
  beforeAll(() => {
    initLabelsOnBus0(sim.system, sim.vfs);
  });

  it('03: fsdax claims namespace1.0 with pfn1.0, bound to nd_pmem with block/pmem1, and new seeds follow', () => {
    expect(ndctl.createNamespace(`${NDBUS0}/region1`, 'fsdax', NS1_UUID, PFN_UUID)).toBe(`${NDBUS0}/region1/namespace1.0`);
    expect(ndctl.read(`${NDBUS0}/region1/pfn1.0/size`)).toBe('65011712');
    expect(treeDiff(sim, 'tree-03-after-fsdax.jsonl')).toEqual({ missing: [], extra: [], diffs: [] });
  });

  it('04: devdax claims namespace0.0 with dax0.0, bound to dax_pmem with a dax_region and device-dax dax0.0', () => {
    expect(ndctl.createNamespace(`${NDBUS0}/region0`, 'devdax', NS0_UUID, DAX_UUID)).toBe(`${NDBUS0}/region0/namespace0.0`);
    expect(treeDiff(sim, 'tree-04-after-devdax.jsonl')).toEqual({ missing: [], extra: [], diffs: [] });
  });

  it('05: sector finds no region with capacity (ndctl: ENOSPC before any write), so nothing changes', () => {
    for (const r of ['region0', 'region1']) expect(ndctl.read(`${NDBUS0}/${r}/max_available_extent`)).toBe('0');
    expect(treeDiff(sim, 'tree-05-after-sector.jsonl')).toEqual({ missing: [], extra: [], diffs: [] });
  });

  it('07: destroy-namespace all -f gives both namespaces back and leaves the seeds the kernel left', () => {
    const outcomes: Record<string, number> = {};
    for (const ns of [`${NDBUS1}/region3/namespace3.0`, `${NDBUS1}/region2/namespace2.0`, `${NDBUS0}/region1/namespace1.0`, `${NDBUS0}/region0/namespace0.0`]) {
      outcomes[ns.slice(ns.lastIndexOf('/') + 1)] = ndctl.destroyNamespace(ns);
    }
    // namespace3.0 (label-less) had nothing to zero: skipped; namespace2.0's region is read-only.
    expect(outcomes).toEqual({ 'namespace3.0': 1, 'namespace2.0': 6, 'namespace1.0': 0, 'namespace0.0': 0 });
    expect(treeDiff(sim, 'tree-07-after-destroy.jsonl')).toEqual({ missing: [], extra: [], diffs: [] });
  });
});
