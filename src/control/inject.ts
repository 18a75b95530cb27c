// Applying an injected fault to the running simulation (`ndsim inject`):
// names as users know them (nmemN, ndbusN) to the platform's objects.
import { errnoName, ERRNO } from '../kernel/errno.js';
import type { NvdimmSystem } from '../nvdimm/system.js';
import type { PlatformBus, PlatformDimm } from '../platform/nfit-platform.js';
import type { Clock } from '../clock/clock.js';
import type { Tracer } from '../trace/tracer.js';
import type { Fault } from './protocol.js';

export class InjectError extends Error {}

function platformDimm(system: NvdimmSystem, name: string): PlatformDimm {
  const d = system.dimms.find((x) => x.name === name);
  if (!d) throw new InjectError(`no DIMM ${name}`);
  return d.platform;
}

function platformBus(system: NvdimmSystem, name: string): PlatformBus {
  const b = system.buses.find((x) => x.name === name);
  if (!b) throw new InjectError(`no bus ${name}`);
  return b.platform;
}

function target(system: NvdimmSystem, name: string): PlatformDimm | PlatformBus {
  return name.startsWith('nmem') ? platformDimm(system, name) : platformBus(system, name);
}

/** Apply `fault`; returns what was done, in words. */
export function inject(system: NvdimmSystem, clock: Clock, tracer: Tracer, fault: Fault): string {
  let what: string;
  switch (fault.kind) {
    case 'dsm': {
      const t = target(system, fault.target);
      const errno = fault.errno === undefined ? undefined : ERRNO[fault.errno];
      t.faults.set({ fn: fault.fn, errno, status: fault.status, remaining: fault.times });
      const how = errno !== undefined ? `fails -${errnoName(errno) ?? errno}` : `answers status 0x${(fault.status ?? 0).toString(16)}`;
      what = `${fault.target}: DSM function ${fault.fn} ${how} ${fault.times ? `for ${fault.times} calls` : 'until cleared'}`;
      break;
    }
    case 'result': {
      // "fail" is how the kernel shows the firmware's ERROR result (and the other failures).
      platformDimm(system, fault.dimm).forcedOutcome = fault.result === 'fail' ? 'error' : fault.result;
      what = `${fault.dimm}: activations give ${fault.result}`;
      break;
    }
    case 'busy': {
      const a = platformBus(system, fault.bus).activation;
      if (!a) throw new InjectError(`${fault.bus} has no firmware activation`);
      a.busyHeldUntil = clock.now() + fault.ms;
      what = `${fault.bus}: held busy for ${fault.ms} ms`;
      break;
    }
    case 'stall-verify': {
      platformDimm(system, fault.dimm).firmware.verifyStalledUntil = fault.ms === undefined ? Infinity : clock.now() + fault.ms;
      what = `${fault.dimm}: firmware verify stalled ${fault.ms === undefined ? 'until cleared' : `for ${fault.ms} ms`}`;
      break;
    }
  }
  tracer.emit('inject', what);
  return what;
}

/** Remove every injected fault of one device (nmemN or ndbusN), or of all. */
export function clearFaults(system: NvdimmSystem, tracer: Tracer, name?: string): string {
  const dimms = system.dimms.filter((d) => name === undefined || d.name === name).map((d) => d.platform);
  const buses = system.buses.filter((b) => name === undefined || b.name === name).map((b) => b.platform);
  if (dimms.length + buses.length === 0) throw new InjectError(`no device ${name ?? ''}`);
  for (const d of dimms) {
    d.faults.clear();
    d.forcedOutcome = undefined;
    d.firmware.verifyStalledUntil = -Infinity;
  }
  for (const b of buses) {
    b.faults.clear();
    if (b.activation) b.activation.busyHeldUntil = -Infinity;
  }
  const what = `cleared injected faults of ${name ?? 'every device'}`;
  tracer.emit('inject', what);
  return what;
}
