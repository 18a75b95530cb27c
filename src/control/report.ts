// What `ndsim report` shows: the clock, each bus's activation engine and
// history, each DIMM's firmware and injected faults, and what the
// machine's tasks and devices went through.
import type { Clock } from '../clock/clock.js';
import type { NvdimmSystem } from '../nvdimm/system.js';
import type { ActivationRecord } from '../platform/bus-activation.js';
import type { DsmFault } from '../platform/dsm-faults.js';

export interface Report {
  clock: { kind: string; now: number };
  buses: { name: string; faults: DsmFault[]; activation: { busyHeld: boolean; history: ActivationRecord[] } | null }[];
  dimms: { name: string; firmware: { state: string; armed: boolean; verifyStalled: boolean }; outcome: string; faults: DsmFault[] }[];
  machine: {
    hibernationBusy: boolean;
    processes: { name: string; frozen: boolean; missedDeadlines: number; longestStallUs: number }[];
    devices: { name: string; frozen: boolean; dmaDuringQuiesce: number; completionTimeouts: number; freezeFailures: number }[];
  };
}

export function buildReport(system: NvdimmSystem, clock: Clock): Report {
  const now = clock.now();
  const machine = system.platform.machine;
  // Infinity does not survive JSON; report whether a hold is in force instead.
  return {
    clock: { kind: clock.kind, now },
    buses: system.buses.map((b) => ({
      name: b.name,
      faults: b.platform.faults.list(),
      activation: b.platform.activation ? { busyHeld: now < b.platform.activation.busyHeldUntil, history: b.platform.activation.history } : null,
    })),
    dimms: system.dimms.map((d) => ({
      name: d.name,
      firmware: { state: d.platform.firmware.state, armed: d.platform.firmware.armed, verifyStalled: now < d.platform.firmware.verifyStalledUntil },
      outcome: d.platform.outcome(),
      faults: d.platform.faults.list(),
    })),
    machine: {
      hibernationBusy: machine.hibernationBusy,
      processes: machine.processes.map((p) => ({ name: p.spec.name, frozen: p.frozen, missedDeadlines: p.missedDeadlines, longestStallUs: p.longestStallUs })),
      devices: machine.devices.map((d) => ({
        name: d.spec.name,
        frozen: d.frozen,
        dmaDuringQuiesce: d.dmaDuringQuiesce,
        completionTimeouts: d.completionTimeouts,
        freezeFailures: d.freezeFailures,
      })),
    },
  };
}

/** The report for people. */
export function formatReport(r: Report): string {
  const lines = [`clock: ${r.clock.kind} ${Math.floor(r.clock.now)} ms`];
  for (const b of r.buses) {
    if (!b.activation) continue;
    lines.push(`${b.name}: ${b.activation.history.length} activation(s)${b.activation.busyHeld ? ', held busy' : ''}`);
    for (const a of b.activation.history) {
      const results = Object.entries(a.results).map(([d, res]) => `${d}=${res}`).join(' ');
      lines.push(`  at ${Math.floor(a.t)} ms: ${a.frozen ? 'quiesce (frozen)' : 'live'}, ${a.iodevState}, status ${a.statusName}${results ? `: ${results}` : ''}`);
      if (a.impact) {
        const i = a.impact;
        lines.push(`    quiesced ${i.quiesceUs} us; DMA running: ${i.dmaRunning.join(', ') || 'none'}; completion timeouts: ${i.completionTimeouts.join(', ') || 'none'}; missed deadlines: ${i.missedDeadlines.join(', ') || 'none'}`);
      }
    }
  }
  for (const d of r.dimms) {
    const faults = d.faults.map((f) => `fn ${f.fn}`).join(', ');
    lines.push(`${d.name}: firmware ${d.firmware.state}${d.firmware.armed ? ', armed' : ''}${d.firmware.verifyStalled ? ', verify stalled' : ''}; outcome ${d.outcome}${faults ? `; faults: ${faults}` : ''}`);
  }
  for (const p of r.machine.processes) lines.push(`process ${p.name}: missed deadlines ${p.missedDeadlines}, longest stall ${p.longestStallUs} us`);
  for (const d of r.machine.devices) lines.push(`device ${d.name}: DMA during quiesce ${d.dmaDuringQuiesce}, completion timeouts ${d.completionTimeouts}, freeze failures ${d.freezeFailures}`);
  return `${lines.join('\n')}\n`;
}
