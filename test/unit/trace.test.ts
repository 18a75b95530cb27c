// The trace stream as the vfs and the tracer produce it: what a listener
// gets for reads, writes and refused opens, in order, with the bytes
// quoted as C would print them, and nothing built when nobody listens.
import { describe, expect, it } from 'vitest';
import { formatTraceEvent, Tracer, type TraceEvent } from '../../src/trace/tracer.js';
import { errnoOf, makeSimulation, NDBUS0, nmemPath, O_RDWR, SysfsClient } from './helpers.js';

function traced() {
  const sim = makeSimulation();
  const fs = new SysfsClient(sim);
  const seen: TraceEvent[] = [];
  const off = sim.tracer.subscribe((e) => seen.push(e));
  return { sim, fs, seen, off };
}

describe('sysfs events', () => {
  it('a read shows the value, a write its bytes and count, a refused store its errno', () => {
    const { fs, seen } = traced();
    fs.read(`${NDBUS0}/firmware/capability`);
    fs.write(`${nmemPath(0)}/firmware/activate`, 'arm\0');
    errnoOf(() => fs.write(`${NDBUS0}/firmware/activate`, 'sideways\n'));
    const sysfs = seen.filter((e) => e.kind === 'sysfs').map((e) => e.text);
    expect(sysfs).toEqual([
      `read ${NDBUS0}/firmware/capability: "quiesce\\n"`,
      `write ${nmemPath(0)}/firmware/activate: "arm\\0" = 4`,
      `write ${NDBUS0}/firmware/activate: "sideways\\n" -EINVAL`,
    ]);
  });

  it('an open the attribute cannot serve is traced with the reason', () => {
    const { sim, seen } = traced();
    errnoOf(() => sim.vfs.open(`${nmemPath(0)}/firmware/result`, O_RDWR));
    expect(seen.map((e) => e.text)).toEqual([`open ${nmemPath(0)}/firmware/result for read/write: -EACCES (the attribute has no store)`]);
  });

  it('quotes binary and long values', () => {
    const { fs, seen } = traced();
    errnoOf(() => fs.write(`${NDBUS0}/firmware/activate`, Buffer.from([0x22, 0x5c, 0x01, 0xff, 0x0a])));
    errnoOf(() => fs.write(`${NDBUS0}/nfit/hw_error_scrub`, `1${' '.repeat(300)}`));
    expect(seen.map((e) => e.text)).toEqual([
      `write ${NDBUS0}/firmware/activate: "\\"\\\\\\x01\\xff\\n" -EINVAL`,
      `write ${NDBUS0}/nfit/hw_error_scrub: "1${' '.repeat(255)}..." -EINVAL`,
    ]);
  });
});

describe('the tracer', () => {
  it('numbers events, stamps them with the clock, and stops when unsubscribed', () => {
    const { sim, fs, seen, off } = traced();
    sim.clock.advance(1234);
    fs.read(`${NDBUS0}/firmware/capability`);
    off();
    fs.read(`${NDBUS0}/firmware/capability`);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ seq: 1, t: 1234, kind: 'sysfs' });
    expect(formatTraceEvent(seen[0]!)).toBe(`     1.234 sysfs   read ${NDBUS0}/firmware/capability: "quiesce\\n"`);
  });

  it('builds nothing when nobody listens', () => {
    const t = new Tracer(() => 0);
    expect(t.wants('dsm')).toBe(false);
    const seen: TraceEvent[] = [];
    t.emit('dsm', 'lost');
    t.subscribe((e) => seen.push(e));
    expect(t.wants('dsm')).toBe(true);
    t.emit('dsm', 'kept');
    expect(seen.map((e) => [e.seq, e.text])).toEqual([[1, 'kept']]);
  });
});
