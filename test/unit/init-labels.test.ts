// `ndctl disable-region; ndctl init-labels; ndctl init-labels -f;
// ndctl enable-region` on nfit_test.0, driven in-process as ndctl drives
// it, must leave the tree the real kernel showed
// (test/fixtures/nfit_test/tree-02-after-init-labels.jsonl).
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/errno.js';
import { compareTrees, loadCapture, type Entry } from '../support/tree-capture.js';
import { initLabelsOnBus0 } from '../support/ndctl-ops.js';
import { walkVfs } from '../support/vfs-walk.js';
import { makeSimulation } from './helpers.js';

const ROOTS = ['/sys/devices/platform/nfit_test.0', '/sys/bus/nd', '/sys/class/nd'];
const BUS0_DIMMS = [0, 1, 2, 3];

function afterInitLabels() {
  const sim = makeSimulation();
  return { sim, ...initLabelsOnBus0(sim.system, sim.vfs) };
}

describe('init-labels on nfit_test.0', () => {
  it('starts from the tree the kernel showed at boot (in-process, both buses)', () => {
    const sim = makeSimulation();
    const roots = [...ROOTS, '/sys/devices/platform/nfit_test.1'];
    const ours = new Map<string, Entry>();
    for (const root of roots) walkVfs(sim.vfs, root, ours);
    expect(compareTrees(ours, loadCapture('nfit_test', 'tree-01-initial.jsonl', roots))).toEqual({ missing: [], extra: [], diffs: [] });
  });

  it('is refused with EBUSY while enabled regions hold the DIMMs, accepted once they are disabled', () => {
    const { refused, written } = afterInitLabels();
    expect(refused).toEqual(BUS0_DIMMS.map(() => -ERRNO.EBUSY));
    expect(written).toEqual([...BUS0_DIMMS, ...BUS0_DIMMS].map(() => 0));
  });

  it('leaves exactly the paths the kernel showed', () => {
    const { sim } = afterInitLabels();
    const ours = new Map<string, Entry>();
    for (const root of ROOTS) walkVfs(sim.vfs, root, ours);
    const { missing, extra } = compareTrees(ours, loadCapture('nfit_test', 'tree-02-after-init-labels.jsonl', ROOTS));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('agrees with the kernel on every path: type, mode, link target, size, content or errno', () => {
    const { sim } = afterInitLabels();
    const ours = new Map<string, Entry>();
    for (const root of ROOTS) walkVfs(sim.vfs, root, ours);
    expect(compareTrees(ours, loadCapture('nfit_test', 'tree-02-after-init-labels.jsonl', ROOTS)).diffs).toEqual([]);
  });
});
