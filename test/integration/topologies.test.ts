// The four built-in topologies, mounted: what differs between platforms
// the kernel supports, seen through the files ndctl reads.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from './daemon-harness.js';
import { readAttr, writeAttr } from './fsio.js';

async function content(mnt: string, path: string): Promise<string> {
  const r = await readAttr(join(mnt, path));
  return r.ok ? r.value : `errno ${r.errno}`;
}

const BUS = '/sys/bus/nd/devices/ndbus0';

describe.each([
  { topology: 'nfit_test', provider: 'nfit_test.0\n', capability: 'quiesce\n', dimmFirmware: ['activate', 'result'], noidle: true, scrub: true },
  { topology: 'qemu-nfit', provider: 'ACPI.NFIT\n', capability: null, dimmFirmware: [], noidle: false, scrub: false },
  { topology: 'fwa-live', provider: 'ACPI.NFIT\n', capability: 'live\n', dimmFirmware: ['activate', 'result'], noidle: true, scrub: true },
  { topology: 'fwa-none', provider: 'ACPI.NFIT\n', capability: null, dimmFirmware: [], noidle: false, scrub: true },
])('$topology mounted', ({ topology, provider, capability, dimmFirmware, noidle, scrub }) => {
  let daemon: Daemon;
  beforeAll(async () => {
    daemon = await startDaemon(topology, 'virtual');
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('names its provider and lists a control device', async () => {
    expect(await content(daemon.mnt, `${BUS}/provider`)).toBe(provider);
    expect(await readdir(join(daemon.mnt, '/sys/class/nd'))).toContain('ndctl0');
    expect(await content(daemon.mnt, '/sys/class/nd/ndctl0/dev')).toMatch(/^\d+:0\n$/);
  });

  it('shows firmware activation only where the platform supports it', async () => {
    const busFw = (await readdir(join(daemon.mnt, BUS, 'firmware'))).sort();
    if (capability) {
      expect(busFw).toEqual(['activate', 'capability']);
      expect(await content(daemon.mnt, `${BUS}/firmware/capability`)).toBe(capability);
      expect(await content(daemon.mnt, `${BUS}/firmware/activate`)).toBe('idle\n');
    } else {
      // 6.1 creates a named group's directory even when every file is hidden.
      expect(busFw).toEqual([]);
      expect((await writeAttr(join(daemon.mnt, BUS, 'firmware/activate'), 'live\0')).ok).toBe(false);
    }
    expect((await readdir(join(daemon.mnt, BUS, 'nmem0/firmware'))).sort()).toEqual(dimmFirmware);
    expect((await readdir(join(daemon.mnt, BUS, 'nfit'))).includes('firmware_activate_noidle')).toBe(noidle);
    expect((await readdir(join(daemon.mnt, BUS, 'nfit'))).includes('scrub')).toBe(scrub);
  });

  it('activates armed DIMMs live on a live-capable platform', async () => {
    if (!capability) return;
    const dimm = join(daemon.mnt, BUS, 'nmem0/firmware/activate');
    expect(await writeAttr(dimm, 'arm\0')).toMatchObject({ ok: true, bytes: 4 });
    expect(await content(daemon.mnt, `${BUS}/firmware/activate`)).toBe('armed\n');
    expect(await writeAttr(join(daemon.mnt, BUS, 'firmware/activate'), 'live\n\0')).toMatchObject({ ok: true, bytes: 6 });
    expect(await content(daemon.mnt, `${BUS}/firmware/activate`)).toBe('busy\n');
    await writeAttr(join(daemon.mnt, '/.ndsim/clock'), 'advance 3001');
    expect(await content(daemon.mnt, `${BUS}/firmware/activate`)).toBe('idle\n');
    // Armed without a staged image: the DIMM reports it missed the activation.
    expect(await content(daemon.mnt, `${BUS}/nmem0/firmware/result`)).toBe('not_staged\n');
  });
});
