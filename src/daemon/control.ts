// ndsim's own control files, beside the fake /sys and /dev at the mount
// root: /.ndsim/clock shows the clock and, when it is virtual, moves it.
import { KernelError } from '../kernel/errno.js';
import { kstrtoull } from '../kernel/parse.js';
import { VirtualClock, type Clock } from '../clock/clock.js';
import { attrFile, constFile } from '../sysfs/attr-file.js';
import { mkdirp, type DirNode } from '../sysfs/node.js';
import type { ControlEndpoints } from './daemon.js';

export const CONTROL_DIR = '/.ndsim';

export function addControlFiles(root: DirNode, clock: Clock, topologyName: string, endpoints: ControlEndpoints): void {
  const d = mkdirp(root, CONTROL_DIR);
  d.entries.set(
    'clock',
    attrFile(
      clock,
      0o644,
      (c) => `${c.kind} ${Math.floor(c.now())}\n`,
      (c, buf, count) => {
        // "advance <ms>" or a bare "<ms>"; only a virtual clock can be moved.
        if (!(c instanceof VirtualClock)) throw new KernelError('EPERM');
        const m = /^(?:advance\s+)?(\S+)\s*$/.exec(buf);
        if (!m?.[1]) throw new KernelError('EINVAL');
        c.advance(Number(kstrtoull(m[1])));
        return count;
      },
    ),
  );
  d.entries.set('topology', constFile(`${topologyName}\n`));
  // Where the shim (NDSIM_SOCKET) reaches the ioctl service, and ndsim inject/trace the control service.
  if (endpoints.socket) d.entries.set('socket', constFile(`${endpoints.socket}\n`));
  if (endpoints.control) d.entries.set('control', constFile(`${endpoints.control}\n`));
}
