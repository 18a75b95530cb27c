// The mount caches attributes (docs/performance.md) but never entries: a
// node the model removes is gone for the very next stat, lstat, access or
// open, and a node it adds is there at once, as on sysfs. Each check runs
// right after the write that changed the tree, through the real mount.
import { access, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr, writeAttr } from './fsio.js';

const BUS0 = 'sys/devices/platform/nfit_test.0/ndbus0';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}

describe('FUSE freshness: attributes cached, entries never', () => {
  let d: Daemon;
  const at = (p: string) => join(d.mnt, p);
  beforeAll(async () => {
    d = await startDaemon('nfit_test');
  }, 60_000);
  afterAll(async () => {
    await d?.stop();
  }, 60_000);

  it('an unbound region loses its driver link and children at once, and gets them back on bind', async () => {
    const region = at(`${BUS0}/region0`);
    // Warm every cache the kernel has: the entries and attributes just looked up.
    expect((await lstat(join(region, 'driver'))).isSymbolicLink()).toBe(true);
    expect((await stat(join(region, 'namespace0.0'))).isDirectory()).toBe(true);
    expect(await code(access(join(region, 'namespace0.0/size')))).toBe('ok');

    expect(await writeAttr(at('sys/bus/nd/drivers/nd_region/unbind'), 'region0\n')).toMatchObject({ ok: true, bytes: 8 });
    expect(await code(lstat(join(region, 'driver')))).toBe('ENOENT');
    expect(await code(stat(join(region, 'namespace0.0')))).toBe('ENOENT');
    expect(await code(access(join(region, 'namespace0.0/size')))).toBe('ENOENT');
    expect(await readAttr(join(region, 'namespace0.0/size'))).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(await readdir(region)).not.toContain('namespace0.0');

    expect(await writeAttr(at('sys/bus/nd/drivers/nd_region/bind'), 'region0\n')).toMatchObject({ ok: true, bytes: 8 });
    expect((await lstat(join(region, 'driver'))).isSymbolicLink()).toBe(true);
    expect((await stat(join(region, 'namespace0.0'))).isDirectory()).toBe(true);
    expect(await readdir(region)).toContain('namespace0.0');
  });
});
