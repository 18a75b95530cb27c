// The firmware-activation timeline of the real-kernel capture
// (test/fixtures/nfit_test/fw-states.txt), step by step on the virtual
// clock, plus every captured invalid write with its errno.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startDaemon, type Daemon } from './daemon-harness.js';
import { writeAttr, type IoResult } from './fsio.js';
import { expectedStates } from '../e2e/oracle.js';
import { BUS0, FwWalk } from './fw-walk.js';

const FIXTURES = join(REPO, 'test/fixtures/nfit_test');
const DIMMS = ['nmem0', 'nmem1', 'nmem2', 'nmem3'];

interface CapturedWrite {
  step: string;
  path: string;
  bytes: Buffer;
  /** open/write errno, or null when the write succeeded */
  errno: number | null;
  op: 'open' | 'write';
  ret?: number;
}

/**
 * The captured writes of a group of steps: `sysw` steps wrote value + NUL
 * and recorded the errno; `sh -c echo V > P` steps wrote "V\n" and exit 1
 * with the shell's message naming the error.
 */
async function capturedWrites(prefix: string): Promise<CapturedWrite[]> {
  const log = await readFile(join(FIXTURES, 'commands.log'), 'utf8');
  const out: CapturedWrite[] = [];
  for (const m of log.matchAll(/^### (\S+): (.*)$/gm)) {
    const [, step = '', cmd = ''] = m;
    if (!step.startsWith(prefix)) continue;
    if (cmd.startsWith('sysw ')) {
      const rec = JSON.parse(await readFile(join(FIXTURES, `${step}.out`), 'utf8')) as { path: string; value: string; op: 'open' | 'write'; ret: number; errno?: number };
      out.push({ step, path: rec.path, bytes: Buffer.from(`${rec.value}\0`, 'latin1'), errno: rec.errno ?? null, op: rec.op, ret: rec.ret });
      continue;
    }
    const sh = /^(?:ba)?sh -c echo (.*?) > (\S+)$/.exec(cmd);
    if (!sh?.[1] || !sh[2]) continue;
    const value = sh[1] === '""' ? '' : sh[1];
    const err = await readFile(join(FIXTURES, `${step}.err`), 'utf8');
    const open = /can't create/.test(err);
    const errno = /Invalid argument/.test(err) ? 22 : /Permission denied/.test(err) ? 13 : /busy/.test(err) ? 16 : /No such device or address/.test(err) ? 6 : null;
    out.push({ step, path: sh[2], bytes: Buffer.from(`${value}\n`, 'latin1'), errno, op: open ? 'open' : 'write' });
  }
  return out;
}

function outcome(r: IoResult): string {
  return r.ok ? `ok ${r.bytes}` : `${r.op} errno ${r.errno}`;
}

function want(w: CapturedWrite): string {
  if (w.errno === null) return `ok ${w.ret ?? w.bytes.length}`;
  return `${w.op} errno ${w.errno}`;
}

describe('nfit_test firmware activation timeline (fw-states.txt)', () => {
  let daemon: Daemon;
  let walk: FwWalk;
  let expected: Map<string, string>;
  const seen: string[] = [];

  beforeAll(async () => {
    daemon = await startDaemon('nfit_test', 'virtual');
    walk = new FwWalk(daemon.mnt);
    expected = await expectedStates(FIXTURES);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  async function check(step: string): Promise<void> {
    seen.push(step);
    expect(`${step}: ${await walk.stateLine(DIMMS)}`).toBe(`${step}: ${expected.get(step)}`);
  }

  async function replay(prefix: string): Promise<void> {
    const writes = await capturedWrites(prefix);
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) {
      const r = await writeAttr(join(daemon.mnt, w.path), w.bytes);
      expect(`${w.step}: ${outcome(r)}`).toBe(`${w.step}: ${want(w)}`);
    }
  }

  it('walks every captured step', async () => {
    await check('10-initial');
    expect(await walk.activateFirmware(false)).toBe('no devices armed');
    await check('10-after-idle-activate');

    expect(await walk.dimmOrder()).toEqual(['nmem1', 'nmem3', 'nmem0', 'nmem2']);
    for (const [dimm, step] of [
      ['nmem0', '11-after-update-nmem0'],
      ['nmem1', '12-after-update-nmem1'],
      ['nmem2', '12b-after-update-nmem2'],
      ['nmem3', '13-after-update-nmem3'],
    ] as const) {
      expect((await walk.updateFirmware(dimm)).ok).toBe(true);
      await check(step);
    }
    // Already staged and not yet activated: start answers "update in progress".
    expect(outcome(await walk.updateFirmware('nmem0'))).toBe('write errno 16');
    await check('13b-after-restage-nmem0');

    expect(await walk.arm('nmem3', true)).toBe('armed');
    await check('14-after-force-arm-nmem3');
    await walk.busState();
    await check('15-after-dry-run');
    await check('15d-after-dry-runs');

    await replay('16-');
    await check('16-after-sysfs-disarm-nmem3');
    await replay('16b-');
    await check('16b-after-sysfs-disarm-again');
    await replay('17-');
    await check('17-after-sysfs-arm-nmem3');
    await replay('17b-');
    await check('17b-after-sysfs-arm-again');

    await replay('18-bus');
    await replay('18-nmem');
    await replay('18-bash');
    await replay('18-noidle-write-bogus');
    await replay('18-noidle-write-Y');
    await check('18-after-noidle-Y');
    await replay('18-noidle-write-N');
    await check('18-after-invalid-writes');

    await replay('19-');
    await check('19-after-disarm-nmem3');
    await replay('20-');
    await check('20-immediately-after-live');
    await replay('20b-');
    await replay('20c-');
    expect(await walk.activateFirmware(false)).toBe('no devices armed');
    expect(outcome(await walk.updateFirmware('nmem3'))).toBe('write errno 16');
    await walk.advance(1000);
    await check('20g-still-busy');
    await walk.advance(4000);
    await check('21-after-4s');
    await replay('21b-');
    await replay('21c-');
    await check('21d-after-idle-writes');

    await replay('22-');
    await check('22-after-arm-unstaged-nmem0');
    await replay('22b-');
    await check('22c-immediately');
    await walk.advance(4000);
    await check('23-after-4s-not-staged');

    expect((await walk.updateFirmware('nmem0')).ok).toBe(true);
    expect((await walk.updateFirmware('nmem1')).ok).toBe(true);
    await check('24-after-stage-nmem0-nmem1');
    expect(outcome((await walk.activateFirmware(true)) as IoResult)).toBe('ok 6');
    await check('25-after-activate-force');
    await walk.advance(4000);
    await check('25b-after-4s');

    const order = await walk.dimmOrder();
    for (const d of order) await walk.disarm(d);
    await check('28-after-disarm-all');
    const armed = [];
    for (const d of order) armed.push(await walk.arm(d));
    expect(armed).toEqual(['armed', 'armed', 'armed', 'aborted']);
    await check('29-after-arm-all');
    for (const d of order) await walk.arm(d, true);
    await check('29b-after-arm-force-all');
    for (const d of order) await walk.disarm(d);
    await check('29c-after-disarm-all');
    await check('30-end-live');

    // Every captured state line was reproduced.
    expect(seen.sort()).toEqual([...expected.keys()].sort());
  });

  it('keeps the bus without activation support free of firmware files', async () => {
    const r = await writeAttr(join(daemon.mnt, '/sys/bus/nd/devices/ndbus1/firmware/activate'), 'live\0');
    expect(outcome(r)).toBe('open errno 2');
    expect(BUS0).toContain('ndbus0');
  });
});
