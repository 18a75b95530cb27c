// The ndsim command line as a user meets it: help, listing, errors, the
// real clock, the control socket. Stopping and killing the daemon:
// lifecycle.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, isMounted, startDaemon } from './daemon-harness.js';
import { readAttr, writeAttr } from './fsio.js';

const CLI = join(REPO, 'bin/ndsim.js');

function run(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ndsim CLI', () => {
  it('lists the built-in topologies with a description each', async () => {
    const r = await run(['topologies']);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['fwa-live', 'fwa-none', 'nfit_test', 'qemu-nfit']);
    for (const line of r.stdout.trim().split('\n')) expect(line.split(/\s+/).length).toBeGreaterThan(2);
  });

  it.each([[['--help']], [['mount', '--help']], [['topologies', '--help']]])('answers %j with usage', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ndsim/);
    expect(r.stdout).toMatch(/--help/);
  });

  it('reports errors in one line and a non-zero exit', async () => {
    for (const args of [['mount'], ['frobnicate'], ['mount', '--topology', 'nope', '/tmp/x'], ['mount', '--clock', 'sundial', '/tmp/x']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ndsim: /);
    }
  });

  it('names file, line and field of a bad topology and mounts nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ndsim-topo-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'description: broken\nbuses:\n  - provider: x\n    parent: { kind: platform, name: p.0, driver: p }\n    nfit: { revision: "zero", commands: [] }\n');
    const mnt = join(dir, 'mnt');
    try {
      const r = await run(['mount', '--topology', file, mnt]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:5:`);
      expect(r.stderr).toContain('buses.0.nfit.revision');
      expect(await isMounted(mnt)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs on the real clock, which only time moves', async () => {
    const d = await startDaemon('nfit_test', 'real');
    try {
      const clock = await readAttr(join(d.mnt, '/.ndsim/clock'));
      expect(clock.ok && clock.value.startsWith('real ')).toBe(true);
      const refused = await writeAttr(join(d.mnt, '/.ndsim/clock'), 'advance 5');
      expect(refused).toMatchObject({ ok: false, errno: 1 });
    } finally {
      await d.stop();
      await rmdir(d.mnt).catch(() => undefined);
    }
  });

  it('mount names its control socket (banner and .ndsim/control), private to its user, for inject and report', async () => {
    const d = await startDaemon('nfit_test', 'virtual');
    try {
      const file = await readAttr(join(d.mnt, '/.ndsim/control'));
      if (!file.ok) throw new Error('no .ndsim/control');
      const control = file.value.trim();
      expect(d.output()).toContain(`control socket: ${control}`);
      // The default place is a directory only this user can enter.
      const dir = await stat(dirname(control));
      expect([dir.mode & 0o777, (await stat(control)).mode & 0o777]).toEqual([0o700, 0o600]);
      const inject = await run(['inject', '--control', control, 'busy', 'ndbus0', '1000']);
      expect([inject.code, inject.stdout]).toEqual([0, 'ndbus0: held busy for 1000 ms\n']);
      const report = await run(['report', '--json', '--control', control]);
      expect(JSON.parse(report.stdout)).toMatchObject({ clock: { kind: 'virtual', now: 0 }, buses: [{ name: 'ndbus0', activation: { busyHeld: true } }, { name: 'ndbus1', activation: null }] });
    } finally {
      await d.stop();
      await rmdir(d.mnt).catch(() => undefined);
    }
  });
});
