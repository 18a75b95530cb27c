// Bad writes through the real FUSE mount (issue 5, "Bad input"): the same
// results the in-process oracle (test/support/bad-input-oracle.ts) derives
// from the kernel source, for a write longer than a page, one just under
// driver_set_override()'s limit, a NUL in the middle, binary bytes, a
// write at offset 100 and an empty write; afterwards the daemon still
// serves and nothing it shows has changed. The daemon is a child process;
// this process only uses async fs calls on the mount.
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr } from './fsio.js';
import { expectedOutcome, PAGE_SIZE, type Outcome, type TreeFacts } from '../support/bad-input-oracle.js';
import { factsOf } from '../support/tree-facts.js';
import { makeSimulation } from '../unit/helpers.js';

const BUS0 = '/sys/devices/platform/nfit_test.0/ndbus0';
const ALIGN = `${BUS0}/region0/align`;
const READ_ONLY = `${BUS0}/region0/read_only`;
const ACTIVATE = `${BUS0}/nmem0/firmware/activate`;
const OVERRIDE = '/sys/devices/platform/nfit_test.0/driver_override';
const UEVENT = `${BUS0}/region0/uevent`;
/** What the writes below must leave as it was. */
const WATCHED = [ALIGN, READ_ONLY, ACTIVATE, OVERRIDE, `${BUS0}/firmware/activate`, `${BUS0}/region0/namespace0.0/holder_class`];

type Got = { ok: true; n: number } | { ok: false; code: string };

/** One open(O_WRONLY), one write() of `data` at `position`, close. */
async function pwrite(path: string, data: Buffer, position: number): Promise<Got> {
  const fh = await open(path, constants.O_WRONLY);
  try {
    const { bytesWritten } = await fh.write(data, 0, data.length, position);
    return { ok: true, n: bytesWritten };
  } catch (e) {
    return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'UNKNOWN' };
  } finally {
    await fh.close();
  }
}

function asGot(want: Outcome, length: number): Got {
  if (want.kind === 'reject') return { ok: false, code: want.errno };
  if (want.kind === 'accept') return { ok: true, n: Math.min(length, PAGE_SIZE) };
  throw new Error(`the FUSE cases need a decided outcome, not ${want.kind}`);
}

describe('bad input through the FUSE mount', () => {
  let d: Daemon;
  let facts: TreeFacts;
  const shown = new Map<string, string>();

  beforeAll(async () => {
    d = await startDaemon('nfit_test');
    // The oracle's facts, from an in-process simulation of the same topology in its initial state.
    facts = factsOf(makeSimulation('nfit_test'));
    for (const p of WATCHED) {
      const r = await readAttr(`${d.mnt}${p}`);
      shown.set(p, r.ok ? r.value : `errno ${r.errno}`);
    }
  });
  afterAll(async () => {
    await d?.stop();
  });

  const cases: Array<{ label: string; path: string; data: Buffer; position?: number }> = [
    { label: '4097 bytes, cut to a page, still not a number', path: ALIGN, data: Buffer.alloc(4097, 'x') },
    { label: '4097 bytes whose first page is a bad word', path: ACTIVATE, data: Buffer.concat([Buffer.from('arm'), Buffer.alloc(4094, 'x')]) },
    { label: 'just under PAGE_SIZE - 1 is still too long for driver_override', path: OVERRIDE, data: Buffer.alloc(4095, 'x') },
    { label: 'NUL in the middle of a word', path: ACTIVATE, data: Buffer.from('ar\0m\n', 'latin1') },
    { label: 'NUL in the middle of a number', path: ALIGN, data: Buffer.from('0x\x0001000000', 'latin1') },
    { label: 'binary bytes', path: UEVENT, data: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]) },
    { label: 'uevent action with an empty argument list', path: UEVENT, data: Buffer.from('add ') },
    { label: 'a bad word at offset 100 (sysfs ignores the position)', path: ACTIVATE, data: Buffer.from('disarmed\n'), position: 100 },
    { label: 'a bad number at offset 4096', path: ALIGN, data: Buffer.from('4k\n'), position: 4096 },
    { label: 'an empty write reaches no store', path: ALIGN, data: Buffer.alloc(0) },
  ];

  for (const c of cases) {
    it(`${c.label}: the kernel's result`, async () => {
      const want = asGot(expectedOutcome(c.path, c.data, facts), c.data.length);
      expect(await pwrite(`${d.mnt}${c.path}`, c.data, c.position ?? 0)).toEqual(want);
    });
  }

  it('a write longer than a page that the store accepts is a short write of one page', async () => {
    // "0" then 4096 spaces: kstrtobool sees "0" + 4095 spaces (first character decides).
    const data = Buffer.concat([Buffer.from('0'), Buffer.alloc(4096, ' ')]);
    expect(expectedOutcome(READ_ONLY, data, facts)).toEqual({ kind: 'accept' });
    expect(await pwrite(`${d.mnt}${READ_ONLY}`, data, 0)).toEqual({ ok: true, n: PAGE_SIZE });
  });

  it('a valid word at offset 100 is taken whole', async () => {
    expect(await pwrite(`${d.mnt}${READ_ONLY}`, Buffer.from('0\n'), 100)).toEqual({ ok: true, n: 2 });
  });

  it('the daemon still serves, and nothing it shows has changed', async () => {
    expect(d.child.exitCode).toBeNull();
    for (const p of WATCHED) {
      const r = await readAttr(`${d.mnt}${p}`);
      expect(r.ok ? r.value : `errno ${r.errno}`, p).toBe(shown.get(p));
    }
  });
});
