// What the bad-input oracle asks of a tree (test/support/bad-input-oracle.ts
// TreeFacts), answered by an in-process simulation: a file's contents (or
// undefined when it cannot be read), whether a path exists, a bus's devices.
import type { Simulation } from '../../src/daemon/daemon.js';
import { isKernelError } from '../../src/kernel/errno.js';
import { PAGE_SIZE, type TreeFacts } from './bad-input-oracle.js';

export function factsOf(sim: Simulation): TreeFacts {
  return {
    read(path) {
      const r = sim.vfs.cat(path);
      return r.ok ? r.bytes.subarray(0, PAGE_SIZE).toString('latin1') : undefined;
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
