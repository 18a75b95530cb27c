// What another user can do to a running simulation (docs/security.md):
// nothing by default (the mount is the owner's alone, the sockets are 0600
// in a 0700 directory); with --allow-other only what the kernel's modes
// allow on a real machine: read o+r attributes, never write one, never
// open /dev/nmemN or /dev/ndctlN. And the shim redirects only /sys and the
// emulated /dev nodes, lexically, so no spelling of a path leaves the
// place it names. The other user is nobody (65534), through setpriv; the
// cases that need root to switch users are skipped, with the reason, when
// the suite runs without it.
import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxed } from '../../src/cli/run.js';
import { REPO, startDaemon, type Daemon } from './daemon-harness.js';

const SHIM_BUILT = join(REPO, 'native-shim/build/libndsim.so');
const NOBODY = 65534;
const IS_ROOT = process.getuid?.() === 0;
const NOT_ROOT = 'needs root to run commands as another user (setpriv); run the suite as root, as CI does';
const COMMAND_TIMEOUT_MS = 60_000;

interface Outcome {
  rc: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return new Promise((res) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ rc: 127, stdout, stderr: stderr + e.message });
    });
    child.on('close', (rc) => {
      clearTimeout(timer);
      res({ rc, stdout, stderr });
    });
  });
}

/** Run as nobody, no supplementary groups. */
function asNobody(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return runProcess('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', file, ...args], env);
}

/** node -e SCRIPT ARGS as nobody; the script prints one JSON value. */
async function nodeAsNobody<T>(script: string, args: readonly string[]): Promise<T> {
  const r = await asNobody(process.execPath, ['-e', script, ...args]);
  if (r.rc !== 0) throw new Error(`node as nobody: rc ${r.rc}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** stat, readdir or read each path: 'ok' or the error code. */
const TOUCH = `
const fs = require('fs');
const [op, ...paths] = process.argv.slice(1);
const out = paths.map((p) => { try {
  if (op === 'stat') fs.statSync(p); else if (op === 'readdir') fs.readdirSync(p); else fs.readFileSync(p);
  return 'ok'; } catch (e) { return e.code; } });
console.log(JSON.stringify(out));`;

/** Every regular file below the root: its mode and what opening it for reading and for writing gives. */
const WALK = `
const fs = require('fs'), path = require('path');
const out = [];
const tryOpen = (p, flags) => { try { fs.closeSync(fs.openSync(p, flags)); return 'ok'; } catch (e) { return e.code; } };
(function walk(d) {
  for (const n of fs.readdirSync(d)) {
    const p = path.join(d, n), st = fs.lstatSync(p);
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) out.push({ path: p, mode: st.mode & 0o7777, read: tryOpen(p, fs.constants.O_RDONLY), write: tryOpen(p, fs.constants.O_WRONLY) });
  }
})(process.argv[1]);
console.log(JSON.stringify(out));`;

/** Connect to each Unix socket: 'connected' or the error code. */
const CONNECT = `
const net = require('net');
Promise.all(process.argv.slice(1).map((p) => new Promise((res) => {
  const s = net.connect(p);
  s.once('connect', () => { s.destroy(); res('connected'); });
  s.once('error', (e) => res(e.code));
}))).then((r) => console.log(JSON.stringify(r)));`;

/** The sockets a daemon names in its banner. */
function bannerSockets(d: Daemon): { ioctl: string; control: string } {
  const m = /ioctl socket: (\S+), control socket: (\S+)\)/.exec(d.output());
  if (!m?.[1] || !m[2]) throw new Error(`no sockets in the banner: ${d.output()}`);
  return { ioctl: m[1], control: m[2] };
}

let scratch = '';
/** The shim where nobody can load it (the checkout may be in a private home directory). */
let shim = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ndsim-security-'));
  await chmod(scratch, 0o755);
  shim = join(scratch, 'libndsim.so');
  await copyFile(SHIM_BUILT, shim);
  await chmod(shim, 0o755);
});
afterAll(async () => {
  const left = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(scratch));
  if (left.length === 0) await rm(scratch, { recursive: true, force: true });
  expect(left).toEqual([]);
});

const PROVIDER = 'sys/bus/nd/devices/ndbus0/provider';

/** Open each emulated control node for reading, writing, both, through the shim: one line per attempt. */
const OPEN_NODES = `for n in /dev/nmem0 /dev/ndctl0; do
  (exec 3<"$n") 2>/dev/null && echo "$n r ok" || echo "$n r refused"
  (exec 3>"$n") 2>/dev/null && echo "$n w ok" || echo "$n w refused"
  (exec 3<>"$n") 2>/dev/null && echo "$n rw ok" || echo "$n rw refused"
done; (exec 3<>/dev/nmem0) 2>&1 | sed 's/.*: //'`;

function shimEnv(d: Daemon, socket: string, sys: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LD_PRELOAD: shim, NDSIM_ROOT: d.mnt, NDSIM_SOCKET: socket };
  if (sys) env['NDSIM_SYS'] = '1';
  else delete env['NDSIM_SYS'];
  return env;
}

describe('the default mount: private to the user who made it', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDaemon('nfit_test', 'virtual');
  });
  afterAll(async () => d.stop());

  it('is mounted without allow_other', async () => {
    const line = (await readFile('/proc/mounts', 'utf8')).split('\n').find((l) => l.split(' ')[1] === d.mnt) ?? '';
    expect(line.split(' ')[3]?.split(',')).toEqual(expect.arrayContaining(['default_permissions']));
    expect(line.split(' ')[3]?.split(',')).not.toContain('allow_other');
  });

  it('refuses another user EACCES on the mount root, its directories and attributes', async (ctx) => {
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    // The owner gets in; nobody is refused by FUSE itself (fuse_allow_current_process).
    expect((await stat(d.mnt)).isDirectory()).toBe(true);
    expect(await nodeAsNobody(TOUCH, ['stat', d.mnt, join(d.mnt, 'sys'), join(d.mnt, PROVIDER)])).toEqual(['EACCES', 'EACCES', 'EACCES']);
    expect(await nodeAsNobody(TOUCH, ['readdir', d.mnt])).toEqual(['EACCES']);
    expect(await nodeAsNobody(TOUCH, ['read', join(d.mnt, PROVIDER)])).toEqual(['EACCES']);
  });

  it('refuses another user /dev/nmemN and /dev/ndctlN through the shim (EACCES)', async (ctx) => {
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    const { ioctl } = bannerSockets(d);
    const nobody = await asNobody('/bin/sh', ['-c', OPEN_NODES], shimEnv(d, ioctl, false));
    expect(nobody.stdout.trim().split('\n')).toEqual([...['nmem0', 'ndctl0'].flatMap((n) => ['r', 'w', 'rw'].map((m) => `/dev/${n} ${m} refused`)), 'Permission denied']);
  });

  it('keeps both sockets from another user: 0600 in a 0700 directory', async (ctx) => {
    const { ioctl, control } = bannerSockets(d);
    const modes = await Promise.all([dirname(ioctl), ioctl, control].map(async (p) => (await stat(p)).mode & 0o7777));
    expect(modes).toEqual([0o700, 0o600, 0o600]);
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    expect(await nodeAsNobody(CONNECT, [ioctl, control])).toEqual(['EACCES', 'EACCES']);
  });
});

describe('--allow-other: the kernel modes decide (default_permissions)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDaemon('nfit_test', 'virtual', ['--allow-other']);
  });
  afterAll(async () => d.stop());

  it('lets another user read what o+r allows and write nothing: every file of the tree', async (ctx) => {
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    const files = await nodeAsNobody<{ path: string; mode: number; read: string; write: string }[]>(WALK, [join(d.mnt, 'sys')]);
    expect(files.length).toBeGreaterThan(500);
    // No sysfs attribute is world-writable (VERIFY_OCTAL_PERMISSIONS), so nobody may write none of them.
    const unexpected = files.filter((f) => (f.mode & 0o002) !== 0 || f.write !== 'EACCES' || (f.read === 'EACCES') !== ((f.mode & 0o004) === 0));
    expect(unexpected).toEqual([]);
    // The files that matter most are among them, refused both ways (0600) or for writing (0200, 0644).
    const byPath = new Map(files.map((f) => [f.path, f]));
    const samples = [
      'sys/bus/nd/devices/ndbus0/firmware/activate', 'sys/bus/nd/devices/nmem0/firmware/activate', 'sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0/lock_dimm', 'sys/bus/nd/drivers/nd_region/unbind', 'sys/bus/nd/devices/region0/deep_flush', 'sys/bus/nd/devices/namespace0.0/force_raw', 'sys/bus/nd/devices/namespace0.0/resource', 'sys/bus/nd/devices/region0/size'];
    // The walk went through sys/devices; the samples are named by their bus links.
    const seen = await Promise.all(
      samples.map(async (p) => {
        const f = byPath.get(await realpath(join(d.mnt, p)));
        return [p, f?.mode.toString(8), f?.read, f?.write];
      }),
    );
    expect(seen).toEqual([
      ['sys/bus/nd/devices/ndbus0/firmware/activate', '600', 'EACCES', 'EACCES'],
      ['sys/bus/nd/devices/nmem0/firmware/activate', '600', 'EACCES', 'EACCES'],
      ['sys/devices/platform/nfit_test.0/nfit_test_dimm/test_dimm0/lock_dimm', '200', 'EACCES', 'EACCES'],
      ['sys/bus/nd/drivers/nd_region/unbind', '200', 'EACCES', 'EACCES'],
      ['sys/bus/nd/devices/region0/deep_flush', '644', 'ok', 'EACCES'],
      ['sys/bus/nd/devices/namespace0.0/force_raw', '644', 'ok', 'EACCES'],
      ['sys/bus/nd/devices/namespace0.0/resource', '400', 'EACCES', 'EACCES'],
      ['sys/bus/nd/devices/region0/size', '444', 'ok', 'EACCES'],
    ]);
  });

  it('refuses another user /dev/nmemN and /dev/ndctlN through the shim (EACCES), root opens them', async (ctx) => {
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    const { ioctl } = bannerSockets(d);
    const nobody = await asNobody('/bin/sh', ['-c', OPEN_NODES], shimEnv(d, ioctl, false));
    expect(nobody.stdout.trim().split('\n')).toEqual([...['nmem0', 'ndctl0'].flatMap((n) => ['r', 'w', 'rw'].map((m) => `/dev/${n} ${m} refused`)), 'Permission denied']);
    const root = await runProcess('/bin/sh', ['-c', OPEN_NODES], shimEnv(d, ioctl, false));
    expect(root.stdout.trim().split('\n').slice(0, 6)).toEqual(['nmem0', 'ndctl0'].flatMap((n) => ['r', 'w', 'rw'].map((m) => `/dev/${n} ${m} ok`)));
  });
});

describe('sockets named in a world-writable directory', () => {
  it('are 0600 whatever the umask, and refuse another user', async (ctx) => {
    const open = join(scratch, 'open');
    await mkdir(open);
    await chmod(open, 0o1777);
    const ioctl = join(open, 'io.sock');
    const control = join(open, 'ctl.sock');
    const d = await startDaemon('nfit_test', 'virtual', ['--socket', ioctl, '--control', control], { wrap: ['/bin/sh', '-c', 'umask 000 && exec "$@"', 'sh'] });
    try {
      // The daemon really runs with umask 000.
      const status = await readFile(`/proc/${d.child.pid}/status`, 'utf8');
      expect(/^Umask:\s+(\d+)$/m.exec(status)?.[1]).toBe('0000');
      expect(await Promise.all([ioctl, control].map(async (p) => (await lstat(p)).mode & 0o7777))).toEqual([0o600, 0o600]);
      if (!IS_ROOT) ctx.skip(NOT_ROOT);
      expect(await nodeAsNobody(CONNECT, [ioctl, control])).toEqual(['EACCES', 'EACCES']);
    } finally {
      await d.stop();
    }
  });
});

describe('the per-user socket directory', () => {
  /** `ndsim mount` with its default sockets under `tmp`: the outcome, and whether anything got mounted. */
  async function mountWithTmpdir(tmp: string): Promise<{ outcome: Outcome; mounted: boolean }> {
    const mnt = join(tmp, 'mnt');
    const outcome = await runProcess(process.execPath, [join(REPO, 'bin/ndsim.js'), 'mount', mnt], { ...process.env, TMPDIR: tmp });
    const mounted = (await readFile('/proc/mounts', 'utf8')).includes(mnt);
    return { outcome, mounted };
  }

  it('is used only if it is a real directory of this user: not a symlink planted in its place', async () => {
    const tmp = await mkdtemp(join(scratch, 'planted-'));
    const elsewhere = await mkdtemp(join(scratch, 'elsewhere-'));
    const dir = join(tmp, `ndsim-${process.getuid?.() ?? 0}`);
    await symlink(elsewhere, dir);
    const r = await mountWithTmpdir(tmp);
    expect(r).toEqual({ outcome: { rc: 1, stdout: '', stderr: `ndsim: ${dir} is not a directory of this user; remove it, or name the sockets with --socket and --control\n` }, mounted: false });
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it("nor another user's directory", async (ctx) => {
    if (!IS_ROOT) ctx.skip(NOT_ROOT);
    const tmp = await mkdtemp(join(scratch, 'foreign-'));
    const dir = join(tmp, 'ndsim-0');
    await mkdir(dir);
    await chmod(dir, 0o777);
    await chown(dir, NOBODY, NOBODY);
    const r = await mountWithTmpdir(tmp);
    expect(r).toEqual({ outcome: { rc: 1, stdout: '', stderr: `ndsim: ${dir} is not a directory of this user; remove it, or name the sockets with --socket and --control\n` }, mounted: false });
    expect([(await stat(dir)).mode & 0o777, await readdir(dir)]).toEqual([0o777, []]);
  });
});

describe('the shim redirects /sys and the emulated /dev nodes only, lexically', () => {
  let d: Daemon;
  let socket = '';
  let client = '';
  let passwd = '';
  beforeAll(async () => {
    const dir = join(scratch, 'shim');
    await mkdir(dir);
    socket = join(dir, 'io.sock');
    d = await startDaemon('nfit_test', 'virtual', ['--socket', socket, '--control', join(dir, 'ctl.sock')]);
    // openat(2) relative to a directory descriptor, which no shell utility offers.
    client = join(dir, 'openat');
    await writeFile(
      `${client}.c`,
      `#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
/* openat DIR PATH: open DIR, then openat(dirfd, PATH) and copy it to stdout. */
int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int dirfd, fd;

	if (argc != 3)
		return 2;
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dirfd < 0) {
		printf("open: %s\\n", strerror(errno));
		return 1;
	}
	fd = openat(dirfd, argv[2], O_RDONLY);
	if (fd < 0) {
		printf("openat: %s\\n", strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	return n < 0;
}
`,
    );
    const cc = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-o', client, `${client}.c`], { encoding: 'utf8', timeout: 60_000 });
    if (cc.status !== 0) throw new Error(`gcc: ${cc.stderr}`);
    passwd = await readFile('/etc/passwd', 'utf8');
  });
  afterAll(async () => d.stop());

  const viaShim = (argv: string[]) => runProcess(argv[0] ?? 'true', argv.slice(1), shimEnv(d, socket, true));

  it('sends no spelling of a path with .. or // above /sys into the mount', async () => {
        // Not ours after normalisation: libc gets the caller's own spelling, which the
    // host kernel resolves (so only components every Linux host has are used here).
    for (const p of ['/sys/../etc/passwd', '/sys/bus/../../etc/passwd', '//sys/../etc/passwd', '/sys/./../etc/passwd', '/sys/devices/../../../../etc/passwd', '/dev/../etc/passwd']) {
      expect(await viaShim(['cat', p]), p).toEqual({ rc: 0, stdout: passwd, stderr: '' });
    }
    // "/sys/./.." is the real root, not the mount's.
    const [inMount, real] = await Promise.all([viaShim(['stat', '-c', '%d:%i', '/sys/./..']), runProcess('stat', ['-c', '%d:%i', '/'])]);
    expect(inMount).toEqual(real);
  });

  it('does redirect every spelling that stays below /sys, and shows the caller real paths', async () => {
    for (const p of ['/sys/bus/nd/devices/ndbus0/provider', '//sys//bus/nd/./devices/ndbus0/provider', '/sys/bus/nd/devices/../devices/ndbus0/provider', '/sys/../sys/bus/nd/devices/ndbus0/provider']) {
      expect(await viaShim(['cat', p]), p).toEqual({ rc: 0, stdout: 'nfit_test.0\n', stderr: '' });
    }
    // Links resolve inside the fake tree and come back as /sys paths, never the mount's.
    expect(await viaShim(['realpath', '/sys/bus/nd/devices/ndbus0'])).toEqual({ rc: 0, stdout: '/sys/devices/platform/nfit_test.0/ndbus0\n', stderr: '' });
    expect(await viaShim(['readlink', '-f', '/sys/bus/nd/devices/nmem0'])).toEqual({ rc: 0, stdout: '/sys/devices/platform/nfit_test.0/ndbus0/nmem0\n', stderr: '' });
  });

  it('leaves everything else alone: /dev/null, other /dev names, /sysfoo', async () => {
    expect(await viaShim(['cat', '/dev/null'])).toEqual({ rc: 0, stdout: '', stderr: '' });
    // Not emulated node names are the host's (none of these exist in the mount).
    const real = await runProcess('stat', ['-c', '%t:%T', '/dev/null']);
    expect(await viaShim(['stat', '-c', '%t:%T', '/dev/null'])).toEqual(real);
    const missing = await viaShim(['stat', '-c', '%n', '/sysfoo/bus']);
    expect([missing.rc, missing.stderr]).toEqual([1, "stat: cannot statx '/sysfoo/bus': No such file or directory\n"]);
  });

  it('keeps openat with a directory descriptor inside the tree, absolute paths classified as ever', async () => {
    const dir = '/sys/bus/nd/devices';
    expect(await viaShim([client, dir, 'ndbus0/provider'])).toMatchObject({ rc: 0, stdout: 'nfit_test.0\n' });
    // Relative to a descriptor inside the mount the kernel resolves: up to the mount's root, no further (no etc/ there).
    expect(await viaShim([client, dir, '../../../../etc/passwd'])).toMatchObject({ rc: 1, stdout: 'openat: No such file or directory\n' });
    // An absolute path ignores the descriptor: lexical classification as for open().
    expect(await viaShim([client, dir, '/sys/../etc/passwd'])).toMatchObject({ rc: 0, stdout: passwd });
    expect(await viaShim([client, '/etc', '../sys/bus/nd/devices/ndbus0/provider'])).not.toMatchObject({ stdout: 'nfit_test.0\n' });
  });

  it('in a mount namespace, relative walks from /sys behave as on the real /sys', async (ctx) => {
    const s = sandboxed({ root: d.mnt, socket, control: join(dirname(socket), 'ctl.sock') }, [client, '/sys/bus/nd/devices', '../../../../etc/passwd'], true);
    if (s.mode !== 'namespace') ctx.skip('no mount namespace available here (unshare refused)');
    expect(await runProcess(s.file, s.args, { ...s.env, LD_PRELOAD: shim })).toMatchObject({ rc: 0, stdout: passwd });
    const cwd = sandboxed({ root: d.mnt, socket, control: '' }, ['sh', '-c', 'cd /sys/bus/nd/devices && cat ndbus0/provider ../../../../etc/passwd'], true);
    expect(await runProcess(cwd.file, cwd.args, { ...cwd.env, LD_PRELOAD: shim })).toMatchObject({ rc: 0, stdout: `nfit_test.0\n${passwd}` });
  });

  it('serves no symlink that points out of the fake /sys', async () => {
    const root = resolve(d.mnt, 'sys');
    const outside: string[] = [];
    let links = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const name of await readdir(dir)) {
        const p = join(dir, name);
        const st = await lstat(p);
        if (st.isDirectory()) await walk(p);
        else if (st.isSymbolicLink()) {
          links++;
          const link = await readlink(p);
          const target = resolve(dirname(p), link);
          // Relative, as sysfs makes them (kernfs_get_target_path), and inside the tree.
          if (isAbsolute(link) || (target !== root && !target.startsWith(`${root}/`))) outside.push(`${relative(d.mnt, p)} -> ${link}`);
        }
      }
    };
    await walk(root);
    expect(links).toBeGreaterThan(50);
    expect(outside).toEqual([]);
  });
});
