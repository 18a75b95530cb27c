// The LD_PRELOAD shim (native-shim/, docs/shim-transport.md) as ndctl meets
// it: a real mounted tree for NDSIM_ROOT, and a mock daemon in this process
// for NDSIM_SOCKET that speaks the wire format with recognisable answers
// (and a few deliberate protocol faults). The C probe checks the calls from
// the inside; here we check its verdicts and what reached the socket.
// The mock lives on this event loop, so every child runs asynchronously.
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startDaemon, type Daemon } from './daemon-harness.js';

const SHIM_DIR = join(REPO, 'native-shim');
const SHIM = join(SHIM_DIR, 'build/libndsim.so');
const SHIM_ASAN = join(SHIM_DIR, 'build/libndsim-asan.so');
const PROBE = join(SHIM_DIR, 'build/probe');
const NDCTL = '/usr/bin/ndctl';

// ---- the wire format, written out independently of src/ioctl ------------

const MAGIC = 0x4d53444e;
const HEADER = 16;
const OP_OPEN = 1;
const OP_IOCTL = 2;
const DONE = 0;
const NEED = 1;
const MAX_PAYLOAD = 8 * 1024 * 1024;
const EACCES = 13;
const ENXIO = 6;
const ENOTTY = 25;
const EINVAL = 22;
const EOPNOTSUPP = 95;

// Real nd ioctls (include/uapi/linux/ndctl.h) and the probe's mock-only ones.
const ND_IOCTL_DIMM_FLAGS = 0xc0084e03;
const ND_IOCTL_GET_CONFIG_DATA = 0xc00c4e05;
const ND_IOCTL_VENDOR = 0xc0084e09;
const ND_IOCTL_CALL = 0xc0404e0a;
const MOCK_BAD_MAGIC = 0xc0044ef0;
const MOCK_NEED_HUGE = 0xc0044ef1;
const MOCK_NEED_SHRINK = 0xc0044ef2;
const MOCK_EOF = 0xc0044ef3;
const MOCK_BIG = 0xc0044ef4;
const MOCK_BAD_KIND = 0xc0044ef5;
const BIG_SIZE = 3 * 1024 * 1024 + 5;

function reply(kind: number, value: number, payload: Buffer = Buffer.alloc(0), magic = MAGIC): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(magic, 0);
  h.writeUInt32LE(kind, 4);
  h.writeInt32LE(value, 8);
  h.writeUInt32LE(payload.length, 12);
  return Buffer.concat([h, payload]);
}

interface Logged {
  conn: number;
  op: number;
  arg: number;
  len: number;
  name?: string;
}

/** What the mock sends back: bytes, or the end of the connection. */
type Answer = Buffer | 'eof';

/** NEED until the daemon has `need` bytes (a self-contained request each time, like the real one). */
function needOr(payload: Buffer, need: number, done: () => Answer): Answer {
  if (need > MAX_PAYLOAD) return reply(DONE, -EINVAL);
  return payload.length < need ? reply(NEED, need) : done();
}

function answerIoctl(cmd: number, p: Buffer): Answer {
  switch (cmd) {
    case ND_IOCTL_DIMM_FLAGS:
      // {u32 status, u32 flags}: flags come back inverted.
      return needOr(p, 8, () => {
        const out = Buffer.alloc(8);
        out.writeUInt32LE((~p.readUInt32LE(4)) >>> 0, 4);
        return reply(DONE, 0, out);
      });
    case ND_IOCTL_GET_CONFIG_DATA:
      // nd_cmd_get_config_data_hdr {u32 in_offset, u32 in_length, u32 status, u8 out_buf[]}:
      // status 0, data = offset+i, and 3 "bytes not transferred".
      return needOr(p, 12, () =>
        needOr(p, 12 + p.readUInt32LE(4), () => {
          const off = p.readUInt32LE(0);
          const out = Buffer.from(p.subarray(0, 12 + p.readUInt32LE(4)));
          out.writeUInt32LE(0, 8);
          for (let i = 12; i < out.length; i++) out[i] = (off + i - 12) & 0xff;
          return reply(DONE, 3, out);
        }),
      );
    case ND_IOCTL_CALL:
      // nd_cmd_pkg: 64-byte header (size_in at 16, size_out at 20), then in, then out = ~in[i % size_in].
      return needOr(p, 64, () => {
        const sizeIn = p.readUInt32LE(16);
        const sizeOut = p.readUInt32LE(20);
        return needOr(p, 64 + sizeIn + sizeOut, () => {
          const out = Buffer.from(p.subarray(0, 64 + sizeIn + sizeOut));
          for (let i = 0; i < sizeOut; i++) out[64 + sizeIn + i] = sizeIn ? ~(p[64 + (i % sizeIn)] ?? 0) & 0xff : i & 0xff;
          return reply(DONE, 0, out);
        });
      });
    case ND_IOCTL_VENDOR:
      return reply(DONE, -EOPNOTSUPP);
    case MOCK_BAD_MAGIC:
      return reply(DONE, 0, Buffer.alloc(0), 0x41414141);
    case MOCK_NEED_HUGE:
      return reply(NEED, MAX_PAYLOAD + 1);
    case MOCK_NEED_SHRINK:
      return reply(NEED, p.length === 0 ? 8 : 4);
    case MOCK_EOF:
      return 'eof';
    case MOCK_BIG:
      return needOr(p, BIG_SIZE, () => reply(DONE, 0, Buffer.from(p.map((b) => (b + 1) & 0xff))));
    case MOCK_BAD_KIND:
      return reply(7, 0);
    default:
      return reply(DONE, -ENOTTY);
  }
}

/** A daemon stand-in on a Unix socket: answers, and logs every request header. */
class MockDaemon {
  readonly log: Logged[] = [];
  private readonly sockets = new Set<net.Socket>();
  private conns = 0;

  private constructor(private readonly server: net.Server) {}

  static async start(path: string): Promise<MockDaemon> {
    const server = net.createServer();
    const mock = new MockDaemon(server);
    server.on('connection', (s) => mock.serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return mock;
  }

  private serve(sock: net.Socket): void {
    const conn = ++this.conns;
    let pending = Buffer.alloc(0);
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER) {
        const len = pending.readUInt32LE(12);
        if (pending.readUInt32LE(0) !== MAGIC || len > MAX_PAYLOAD) {
          sock.destroy();
          return;
        }
        if (pending.length < HEADER + len) return;
        const op = pending.readUInt32LE(4);
        const arg = pending.readUInt32LE(8);
        const payload = Buffer.from(pending.subarray(HEADER, HEADER + len));
        pending = pending.subarray(HEADER + len);
        const entry: Logged = { conn, op, arg, len };
        let answer: Answer;
        if (op === OP_OPEN) {
          entry.name = payload.toString('latin1');
          answer = reply(DONE, entry.name === 'ndctl1' ? EACCES : /^(ndctl|nmem)\d+$/.test(entry.name) ? 0 : ENXIO);
        } else if (op === OP_IOCTL) {
          answer = answerIoctl(arg, payload);
        } else {
          answer = 'eof';
        }
        this.log.push(entry);
        if (answer === 'eof') {
          sock.destroy();
          return;
        }
        sock.write(answer);
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- child processes: always a timeout, always killed by pid --------------

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000, opts: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${e.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** This process's environment without anything that would steer the shim. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(LD_PRELOAD|NDSIM_|PROBE_|ASAN_|UBSAN_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

interface ProbeReport {
  ok: Set<string>;
  failed: string[];
  info: Map<string, string>;
}

function parseProbe(out: string): ProbeReport {
  const report: ProbeReport = { ok: new Set(), failed: [], info: new Map() };
  for (const line of out.split('\n')) {
    if (line.startsWith('ok ')) report.ok.add(line.slice(3));
    else if (line.startsWith('FAIL ')) report.failed.push(line.slice(5));
    else if (line.startsWith('info ')) {
      const [key, ...rest] = line.slice(5).split(' ');
      if (key) report.info.set(key, rest.join(' '));
    }
  }
  return report;
}

/** "major:minor" of a char node, decoded from st_rdev like glibc's major()/minor(). */
async function majMin(path: string): Promise<string> {
  const rdev = (await lstat(path, { bigint: true })).rdev;
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

const DEV_CHECKS = [
  'stat-node', 'lstat-node', 'xstat-node', 'stat-node-dotdot', 'access-node', 'realpath-node', 'readlink-node', 'stat-missing-node',
  'open-node', 'fstat64-node', 'fstat-node', 'fstatat-empty-node', 'fxstat-node', 'statx-empty-node', 'fstat-efault', 'no-cloexec',
  'ioctl-dimm-flags', 'ioctl-call', 'ioctl-positive-return', 'ioctl-daemon-errno', 'ioctl-big',
  'efault-unmapped', 'efault-then-works', 'efault-null', 'efault-readonly', 'efault-readonly-untouched', 'efault-readonly-then-works',
  'efault-big-tail', 'efault-big-then-works', 'open-bus-cloexec', 'fstat64-bus', 'ioctl-call-bus',
  'open-missing-node', 'open-node-slash', 'open-daemon-refuses', 'open-opath', 'opath-ioctl-ebadf',
  'dup-fstat', 'fcntl-dupfd', 'dup-beyond-table', 'dup-beyond-table-closed', 'dup2-onto-regular', 'dup3-regular-onto-node', 'dup-outlives-original', 'reuse-after-close',
  'stale-entry-ignored', 'fork-child-ioctl', 'fork-parent-after', 'threads-ioctl', 'passthrough-ioctl', 'passthrough-fcntl',
  'proto-bad-magic', 'proto-bad-magic-stays-broken', 'proto-need-huge', 'proto-need-shrink', 'proto-eof', 'proto-bad-kind',
];
const SYS_CHECKS = [
  'sys-is-fake', 'lstat-link', 'stat-follows', 'xstat-sys', 'statx-sys', 'fstatat-sys', 'readlink-sys', 'readlinkat-sys',
  'realpath-malloc', 'realpath-buffer', 'canonicalize', 'realpath-bus-path', 'realpath-missing', 'read-attr', 'openat-abs',
  'open64-sys', 'fopen-sys', 'openat-relative', 'opendir-sys', 'opendir-dots', 'scandir-sys', 'scandir64-sys', 'access-sys',
  'faccessat-sys', 'access-sys-missing', 'dotdot-not-redirected', 'dotdot-deep-not-redirected', 'dotdot-root-is-real-path',
];
const NULL_CHECKS = ['null-stat', 'null-lstat', 'null-open', 'null-access', 'null-readlink', 'null-fstatat', 'null-statx', 'null-realpath'];
const HIDDEN_PATHS = ['/lib/modules', '/usr/lib/modules', '/lib/modules/probe-kver', '/usr/lib/x86_64-linux-gnu/../modules/probe-kver', '//usr//lib/./modules/'];
const HIDDEN_CHECKS = [
  ...HIDDEN_PATHS.flatMap((p) => ['stat', 'open', 'access', 'opendir', 'realpath'].map((c) => `hidden-${c} ${p}`)),
  'hidden-fopen',
  'lib-not-hidden',
];

function expectProbe(r: RunResult, checks: string[]): ProbeReport {
  const report = parseProbe(r.stdout);
  expect(report.failed, r.stdout + r.stderr).toEqual([]);
  expect({ code: r.code, signal: r.signal, timedOut: r.timedOut }, r.stderr).toEqual({ code: 0, signal: null, timedOut: false });
  expect(checks.filter((c) => !report.ok.has(c)), 'checks the probe did not report').toEqual([]);
  return report;
}

async function canUnshareMount(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const r = await run('unshare', ['--mount', '--propagation', 'private', 'true'], process.env, 10_000);
  return r.code === 0;
}

describe('native shim (LD_PRELOAD)', () => {
  let daemon: Daemon | undefined;
  let mock: MockDaemon | undefined;
  let dir = '';
  let sock = '';
  let unshareOk = false;

  const mnt = (): string => {
    if (!daemon) throw new Error('no daemon');
    return daemon.mnt;
  };
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    cleanEnv({ LD_PRELOAD: SHIM, NDSIM_ROOT: mnt(), NDSIM_SOCKET: sock, ...extra });

  beforeAll(async () => {
    const make = await run('make', ['-C', SHIM_DIR], process.env, 180_000);
    expect(make.code, make.stdout + make.stderr).toBe(0);
    dir = await mkdtemp(join(tmpdir(), 'ndsim-shim-'));
    sock = join(dir, 'mock.sock');
    mock = await MockDaemon.start(sock);
    daemon = await startDaemon('nfit_test', 'virtual');
    unshareOk = await canUnshareMount();
  }, 240_000);

  afterAll(async () => {
    await mock?.close();
    await daemon?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exports exactly the wrapped libc names', async () => {
    const r = await run('nm', ['-D', '--defined-only', SHIM], process.env, 20_000);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[2]).filter((n): n is string => !!n).sort();
    expect(names).toEqual([
      '__fxstat', '__fxstat64', '__fxstatat', '__fxstatat64', '__lxstat', '__lxstat64', '__open64_2', '__open_2', '__openat64_2',
      '__openat_2', '__readlink_chk', '__readlinkat_chk', '__realpath_chk', '__xstat', '__xstat64', 'access', 'canonicalize_file_name',
      'close', 'dup', 'dup2', 'dup3', 'faccessat', 'fcntl', 'fcntl64', 'fopen', 'fopen64', 'fstat', 'fstat64', 'fstatat', 'fstatat64',
      'ioctl', 'lstat', 'lstat64', 'open', 'open64', 'openat', 'openat64', 'opendir', 'readlink', 'readlinkat', 'realpath', 'scandir',
      'scandir64', 'stat', 'stat64', 'statx',
    ]);
  });

  it('stands a socket in for /dev/nmemN and /dev/ndctlN and forwards ioctls (mount-namespace mode)', async () => {
    mock?.log.splice(0);
    const r = await run(PROBE, ['dev', 'nosys', 'hidden', 'nullpath'], env(), 60_000);
    const report = expectProbe(r, [...DEV_CHECKS, 'sys-not-redirected', ...HIDDEN_CHECKS, ...NULL_CHECKS]);
    expect(report.info.get('nmem0')).toBe(await majMin(join(mnt(), 'dev/nmem0')));
    expect(report.info.get('ndctl0')).toBe(await majMin(join(mnt(), 'dev/ndctl0')));

    const log = mock?.log ?? [];
    const opens = log.filter((e) => e.op === OP_OPEN);
    // open(2) flags go through as they are: O_RDWR, and O_RDWR|O_CLOEXEC for the bus.
    expect(opens.find((e) => e.name === 'nmem0')?.arg).toBe(2);
    expect(opens.find((e) => e.name === 'ndctl0')?.arg).toBe(2 | 0o2000000);
    expect(opens.map((e) => e.name)).toContain('nmem2'); // opened by the forked child
    // The ND_IOCTL_CALL exchange of docs/shim-transport.md: the 64 bytes _IOC_SIZE names → NEED 64+in+out → all.
    const first = log.find((e) => e.arg === ND_IOCTL_CALL);
    const call = log.filter((e) => e.conn === first?.conn && e.arg === ND_IOCTL_CALL).map((e) => e.len);
    expect(call.slice(0, 2)).toEqual([64, 64 + 5 + 20]);
    // The big transfer went out whole once after its 4-byte guess; the
    // EFAULT one (readable only at its start) never got past its guess.
    expect(log.filter((e) => e.arg === MOCK_BIG).map((e) => e.len)).toEqual([4, BIG_SIZE, 4]);
    // The fork child and the two threads each had their exchanges answered on the shared socket.
    expect(log.filter((e) => e.arg === ND_IOCTL_DIMM_FLAGS && e.len === 8).length).toBeGreaterThanOrEqual(600);
  });

  it('redirects /sys with NDSIM_SYS=1, lexically, and still serves the nodes', async () => {
    const r = await run(PROBE, ['sys', 'dev'], env({ NDSIM_SYS: '1' }), 60_000);
    const report = expectProbe(r, [...SYS_CHECKS, ...DEV_CHECKS]);
    expect(report.info.get('realpath')).toBe('/sys/devices/platform/nfit_test.0/ndbus0/nd/ndctl0');
  });

  it('runs the same probe clean under AddressSanitizer and UBSan', async () => {
    const rt = await run('cc', ['-print-file-name=libasan.so'], process.env, 20_000);
    const libasan = rt.stdout.trim();
    expect(existsSync(libasan), `libasan from cc: ${libasan}`).toBe(true);
    const r = await run(PROBE, ['dev', 'sys'], env({
      NDSIM_SYS: '1',
      LD_PRELOAD: `${libasan} ${SHIM_ASAN}`,
      ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0',
      UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    }), 120_000);
    expectProbe(r, [...DEV_CHECKS, ...SYS_CHECKS]);
    expect(r.stderr).not.toMatch(/AddressSanitizer|runtime error|LeakSanitizer/);
    const ndctl = await run(NDCTL, ['list', '-BDRN', '-i'], env({ NDSIM_SYS: '1', LD_PRELOAD: `${libasan} ${SHIM_ASAN}`, ASAN_OPTIONS: 'detect_leaks=0' }), 60_000);
    expect({ code: ndctl.code, timedOut: ndctl.timedOut }, ndctl.stderr).toEqual({ code: 0, timedOut: false });
    expect(ndctl.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    expect(ndctl.stdout).toContain('"provider":"nfit_test.0"');
  }, 150_000);

  it('falls back to a pipe when process_vm_readv/writev are refused (seccomp): bad pointers still EFAULT', async () => {
    const r = await run(PROBE, ['fallback'], env(), 60_000);
    expectProbe(r, [
      'seccomp-installed', 'vm-readv-refused', 'fallback-open', 'fallback-ioctl', 'fallback-ioctl-call', 'fallback-ioctl-big',
      'fallback-efault-null', 'fallback-then-works', 'fallback-efault-unmapped', 'fallback-efault-short', 'fallback-efault-readonly',
      'fallback-efault-readonly-untouched', 'fallback-efault-then-works', 'fallback-no-fd-leak',
    ]);
  });

  it('runs the pipe fallback clean under AddressSanitizer and UBSan', async () => {
    const libasan = (await run('cc', ['-print-file-name=libasan.so'], process.env, 20_000)).stdout.trim();
    const r = await run(PROBE, ['fallback'], env({
      LD_PRELOAD: `${libasan} ${SHIM_ASAN}`,
      ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0',
      UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    }), 60_000);
    expectProbe(r, ['fallback-efault-unmapped', 'fallback-efault-short', 'fallback-efault-readonly', 'fallback-efault-then-works', 'fallback-no-fd-leak']);
    expect(r.stderr).not.toMatch(/AddressSanitizer|runtime error/);
  });

  it('fails open with ENXIO when no daemon listens, and is inert without NDSIM_ROOT', async () => {
    const none = await run(PROBE, ['noconnect'], env({ NDSIM_SOCKET: join(dir, 'nobody.sock') }), 30_000);
    expectProbe(none, ['noconnect-enxio', 'noconnect-missing-enoent']);
    const inert = await run(PROBE, ['inert'], cleanEnv({ LD_PRELOAD: SHIM, NDSIM_SOCKET: sock, PROBE_ROOT: mnt() }), 30_000);
    expectProbe(inert, ['inert-sys-real', 'inert-no-node', 'inert-ioctl']);
  });

  it('hides /lib/modules even where it exists', async (ctx) => {
    if (!unshareOk) ctx.skip();
    // A private mount namespace with an overlay on /usr/lib that adds modules/probe-kver.
    const ov = join(dir, 'overlay');
    await mkdir(join(ov, 'upper/modules/probe-kver'), { recursive: true });
    await mkdir(join(ov, 'work'), { recursive: true });
    const script = [
      'mount -t overlay overlay -o "lowerdir=/usr/lib,upperdir=$OV/upper,workdir=$OV/work" /usr/lib || exit 96',
      'test -d /lib/modules/probe-kver || exit 97',
      'exec env LD_PRELOAD="$SHIM" "$PROBE" hidden',
    ].join('\n');
    const base = env();
    delete base.LD_PRELOAD;
    const r = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { ...base, OV: ov, SHIM, PROBE }, 30_000);
    expectProbe(r, HIDDEN_CHECKS);
  });

  it('lets the unmodified ndctl list both nfit_test buses with NDSIM_SYS=1 and no namespace', async () => {
    const r = await run(NDCTL, ['list', '-BDRN', '-i'], env({ NDSIM_SYS: '1' }), 60_000);
    expect({ code: r.code, timedOut: r.timedOut }, r.stderr).toEqual({ code: 0, timedOut: false });
    const buses = JSON.parse(r.stdout) as Array<{ provider: string; dev: string; dimms?: Array<{ dev: string }> }>;
    expect(buses.map((b) => b.provider).sort()).toEqual(['nfit_test.0', 'nfit_test.1']);
    expect(buses.flatMap((b) => (b.dimms ?? []).map((d) => d.dev)).sort()).toEqual(['nmem0', 'nmem1', 'nmem2', 'nmem3', 'nmem4', 'nmem5']);
  });
});
