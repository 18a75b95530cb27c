// What the bad-input oracle asks of a tree (test/support/bad-input-oracle.ts
// TreeFacts), answered by an in-process simulation: a file's contents (or
// undefined when it cannot be read), whether a path exists, a bus's devices.
import type { Simulation } from '../../src/daemon/daemon.js';
import { isKernelError } from '../../src/kernel/errno.js';
import { O_RDONLY } from '../../src/kernel/open-flags.js';
import { PAGE_SIZE, type TreeFacts } from './bad-input-oracle.js';

export function factsOf(sim: Simulation): TreeFacts {
  return {
    read(path) {
      try {
        const h = sim.vfs.open(path, O_RDONLY);
        try {
          return sim.vfs.read(h, PAGE_SIZE, 0).toString('latin1');
        } finally {
          sim.vfs.release(h);
        }
      } catch (e) {
        if (isKernelError(e)) return undefined;
        throw e;
      }
    },
    exists(path) {
      try {
        sim.vfs.getattr(path);
        return true;
      } catch (e) {
        if (isKernelError(e)) return false;
        throw e;
      }
    },
    busDevices(bus) {
      const dir = `/sys/bus/${bus}/devices`;
      return this.exists(dir) ? sim.vfs.readdir(dir) : [];
    },
  };
}
