// Malformed nd ioctls against the real daemon (`ndsim mount` child, nfit_test,
// virtual clock), issued by native-shim/test/malformed.c through the shim
// (NDSIM_SYS=1) — once with libndsim.so and once with the ASan/UBSan build —
// plus garbage written straight onto the ioctl socket. Every case must get
// the errno Linux 6.1 gives; the file and the daemon must keep serving.
//
// Bound: every child has a deadline (probe 120 s, make 180 s) and the
// daemon is stopped in afterAll; the whole file takes a few seconds.
//
// The expected errnos, derived from the kernel source:
//   drivers/nvdimm/bus.c      nd_ioctl → __nd_ioctl (ND_CMD_CALL family
//                             check, desc/cmd_mask → ENOTTY, read-only →
//                             EPERM, envelopes via nd_cmd_in_size /
//                             nd_cmd_out_size, buf_len > ND_IOCTL_MAX_BUFLEN →
//                             EINVAL, copy_{from,to}_user → EFAULT),
//                             nd_cmd_clear_to_send (SET_CONFIG_DATA busy → EBUSY)
//   drivers/acpi/nfit/core.c  acpi_nfit_clear_to_send (called with the
//                             function number: bus function 10 of a
//                             non-NFIT family → EOPNOTSUPP)
//   tools/testing/nvdimm/test/nfit.c  nfit_test_ctl (family mismatch,
//                             unserved function → ENOTTY; short structure →
//                             EINVAL; label transfers return the bytes not
//                             transferred)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startDaemon, type Daemon } from './daemon-harness.js';

const SHIM_DIR = join(REPO, 'native-shim');
const SHIM = join(SHIM_DIR, 'build/libndsim.so');
const SHIM_ASAN = join(SHIM_DIR, 'build/libndsim-asan.so');
const MALFORMED = join(SHIM_DIR, 'build/malformed');
const PROBE_TIMEOUT_MS = 120_000;

const MIB = 1024 * 1024;
const LABEL_SIZE = 128 * 1024;
/** nfit_test's label transfers return buf_len - header - bytes moved. */
const LABEL_AT_MAX_REST = 4 * MIB - 12 - LABEL_SIZE;

type Errno = keyof typeof constants.errno;
/** What one case must give: a return value, or -1 and the errno. */
type Want = { rc: number; extra?: Record<string, string> } | { errno: Errno };

const EXPECTED: Record<string, Want> = {
  // __nd_ioctl: only _IOC_NR counts. No descriptor, no fields, or not in cmd_mask: ENOTTY.
  'nr0-implemented': { errno: 'ENOTTY' }, // ND_CMD_IMPLEMENTED has in_num + out_num == 0
  'nr3-flags-not-in-mask': { errno: 'ENOTTY' }, // nmem0's commands lack "flags"
  'nr7-no-envelope': { errno: 'ENOTTY' }, // VENDOR_EFFECT_LOG_SIZE: no fields
  'nr9-vendor-not-in-mask': { errno: 'ENOTTY' },
  'nr11-beyond-call': { errno: 'ENOTTY' }, // nd_cmd_dimm_desc() is NULL past ND_CMD_CALL
  nr255: { errno: 'ENOTTY' },
  'bus-nr0': { errno: 'ENOTTY' },
  'bus-nr11': { errno: 'ENOTTY' },
  'bus-nr5-dimm-only': { errno: 'ENOTTY' }, // __nd_cmd_bus_descs[5] is empty
  'size0-encoding': { rc: 0, extra: { size: String(LABEL_SIZE) } },
  'io-encoding': { rc: 0, extra: { size: String(LABEL_SIZE) } },
  'wrong-type': { rc: 0, extra: { size: String(LABEL_SIZE) } },
  'wrong-size': { rc: 0, extra: { size: String(LABEL_SIZE) } },
  'high-bits': { rc: 0, extra: { size: String(LABEL_SIZE) } }, // sys_ioctl's cmd is an unsigned int
  // copy_from_user / copy_to_user.
  'null-arg': { errno: 'EFAULT' },
  'cfgsize-8-bytes': { errno: 'EFAULT' }, // output envelope field 2 (bytes 8..12)
  'cfgsize-0-bytes': { errno: 'EFAULT' },
  'cfgsize-read-only': { errno: 'EFAULT' }, // copy_to_user after the command ran
  'call-header-32-bytes': { errno: 'EFAULT' }, // copy_from_user(&pkg, p, sizeof(pkg))
  'bus-ars-cap-8-bytes': { errno: 'EFAULT' }, // input envelope field 1
  'getdata-envelope-short': { errno: 'EFAULT' }, // output envelope: 252 bytes after the header
  'getdata-buffer-short': { errno: 'EFAULT' }, // copy_from_user(buf, p, buf_len)
  // ND_CMD_CALL family check (before everything else) → EINVAL.
  'call-family-over-max': { errno: 'EINVAL' }, // > NVDIMM_FAMILY_MAX
  'call-family-not-on-bus': { errno: 'EINVAL' }, // HPE1 not in dimm_family_mask
  'call-family-huge': { errno: 'EINVAL' }, // u64 compare
  'bus-call-family-over-max': { errno: 'EINVAL' }, // > NVDIMM_BUS_FAMILY_MAX
  'bus1-call-family-not-on-bus': { errno: 'EINVAL' }, // nfit_test.1 has no Intel bus family
  'bus1-call-not-in-mask': { errno: 'ENOTTY' }, // nfit_test.1's bus cmd_mask lacks ND_CMD_CALL
  // Functions.
  'call-fn-unserved': { errno: 'ENOTTY' }, // nfit_test_ctl: switch default
  'call-fn0': { errno: 'ENOTTY' },
  'call-fn32': { errno: 'ENOTTY' },
  'call-fn-million': { errno: 'ENOTTY' },
  'call-fn-truncated-smart': { rc: 0, extra: { status: '0' } }, // func = (unsigned int)nd_command = 1
  'call-fw-info-empty': { errno: 'EINVAL' }, // nd_intel_test_get_fw_info: buf_len < sizeof
  'call-smart-empty': { errno: 'EINVAL' }, // nfit_test_cmd_smart: buf_len < sizeof
  'call-smart-one-short': { errno: 'EINVAL' },
  'bus-call-intel-fn10': { errno: 'EOPNOTSUPP' }, // acpi_nfit_clear_to_send sees func 10 == ND_CMD_CALL
  'bus-call-intel-fn3': { errno: 'ENOTTY' },
  'bus-call-nfit-fn3': { errno: 'ENOTTY' },
  // nd_size_in / nd_size_out against the buffer and ND_IOCTL_MAX_BUFLEN.
  'call-size-in-past-buffer': { errno: 'EFAULT' }, // input envelope copy (192 bytes at 64)
  'call-size-out-envelope-past-buffer': { errno: 'EFAULT' }, // output envelope copy (256 bytes at 64)
  'call-size-out-past-buffer': { errno: 'EFAULT' }, // the whole buffer
  'call-size-in-uint-max': { errno: 'ENXIO' }, // nd_cmd_in_size() == UINT_MAX: "unknown input size"
  'call-size-out-uint-max': { errno: 'EFAULT' }, // nd_cmd_out_size() == UINT_MAX: "unknown output size"
  'bus-ars-status-length-7': { errno: 'EFAULT' }, // out_field[1] - 8 wraps to UINT_MAX
  'bus-ars-status-length-5': { errno: 'EINVAL' }, // wraps to 0xfffffffd: over ND_IOCTL_MAX_BUFLEN
  'call-size-in-over-max': { errno: 'EINVAL' },
  'call-size-out-over-max': { errno: 'EINVAL' },
  'call-envelope-9mib-unmapped': { errno: 'EFAULT' }, // output envelope at 64 + 9 MiB faults before the size check
  'call-envelope-9mib-mapped': { errno: 'EINVAL' },
  'call-at-max': { rc: 0, extra: { status: '0' } }, // buf_len == ND_IOCTL_MAX_BUFLEN is allowed
  'call-over-max-by-one': { errno: 'EINVAL' },
  // Label transfers.
  'getdata-zero-length': { rc: 0 },
  'getdata-offset-past-area': { errno: 'EINVAL' }, // nfit_test_cmd_get_config_data: offset >= LABEL_SIZE
  'getdata-length-uint-max': { errno: 'EFAULT' }, // the output field sized in_length is "unknown"
  'setdata-length-uint-max': { errno: 'ENXIO' }, // the input field sized in_length is "unknown"
  'setdata-busy': { errno: 'EBUSY' }, // nd_cmd_clear_to_send: the DIMM's regions are enabled
  'getdata-at-max': { rc: LABEL_AT_MAX_REST, extra: { status: '0', head: 'label0' } },
  'getdata-over-max-by-one': { errno: 'EINVAL' },
  'setdata-over-max': { errno: 'EINVAL' }, // size check before clear_to_send: not EBUSY
  'setdata-at-max': { rc: LABEL_AT_MAX_REST, extra: { status: '0' } },
  'setdata-zero-length': { rc: 0, extra: { status: '0' } },
  'call-on-nfit-test1-dimm': { errno: 'EINVAL' }, // nfit_test_ctl: get_dimm() >= NUM_DCR
  // Read-only descriptor: the family check first, then the refusal by number
  // (ND_CMD_CLEAR_ERROR == ND_CMD_GET_CONFIG_SIZE == 4).
  'ro-get-config-size': { errno: 'EPERM' },
  'ro-get-config-data': { rc: 0, extra: { head: 'label0' } },
  'ro-setdata': { errno: 'EPERM' },
  'ro-call': { errno: 'EPERM' },
  'ro-call-bad-family': { errno: 'EINVAL' },
};

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(LD_PRELOAD|NDSIM_|ASAN_|UBSAN_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

interface CaseResult {
  rc: number;
  errno: number;
  extra: Record<string, string>;
  alive: string;
}

function parse(out: string): Map<string, CaseResult> {
  const cases = new Map<string, CaseResult>();
  for (const line of out.split('\n')) {
    const [kind, name, ...rest] = line.split(' ');
    if (!name) continue;
    if (kind === 'case') {
      const [rc, errno, ...kv] = rest;
      const extra = Object.fromEntries(kv.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
      cases.set(name, { rc: Number(rc), errno: Number(errno), extra, alive: 'missing' });
    } else if (kind === 'alive') {
      const c = cases.get(name);
      if (c) c.alive = rest.join(' ');
    }
  }
  return cases;
}

/** The expected name when the numbers agree (EOPNOTSUPP and ENOTSUP are both 95), else the first name. */
function errnoName(n: number, want: Want): string {
  if ('errno' in want && constants.errno[want.errno] === n) return want.errno;
  return Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? String(n);
}

/** What a case gave, in the same shape as EXPECTED, for one readable comparison. */
function observed(c: CaseResult, want: Want): Want & { alive: string } {
  if (c.rc < 0) return { errno: errnoName(c.errno, want) as Errno, alive: c.alive };
  const extra = 'extra' in want && want.extra ? Object.fromEntries(Object.keys(want.extra).map((k) => [k, c.extra[k] ?? '(none)'])) : undefined;
  return extra ? { rc: c.rc, extra, alive: c.alive } : { rc: c.rc, alive: c.alive };
}

// ---- the wire format, written out independently of src/ioctl -------------

const MAGIC = 0x4d53444e;
const HEADER = 16;
const OP_OPEN = 1;
const OP_IOCTL = 2;
const ND_IOCTL_GET_CONFIG_SIZE = 0xc00c4e04;

function frame(op: number, arg: number, payload: Buffer = Buffer.alloc(0), magic = MAGIC, len = payload.length): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(magic, 0);
  h.writeUInt32LE(op, 4);
  h.writeUInt32LE(arg >>> 0, 8);
  h.writeUInt32LE(len >>> 0, 12);
  return Buffer.concat([h, payload]);
}

/** A raw client: what it wrote, everything it read, and whether the daemon closed it. */
class RawClient {
  private received = Buffer.alloc(0);
  private closedBy: Promise<void>;
  closed = false;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    sock.on('error', () => undefined);
    this.closedBy = new Promise((res) => sock.once('close', () => {
      this.closed = true;
      res();
    }));
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(path, () => resolve(new RawClient(sock)));
      sock.once('error', reject);
    });
  }

  write(b: Buffer): void {
    this.sock.write(b);
  }

  end(): void {
    this.sock.end();
  }

  destroy(): void {
    this.sock.destroy();
  }

  /** Replies as {kind, value, len} once `n` have arrived (or the deadline passed). */
  async replies(n: number, ms = 10_000): Promise<Array<{ kind: number; value: number; len: number }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const out: Array<{ kind: number; value: number; len: number }> = [];
      let at = 0;
      while (at + HEADER <= this.received.length) {
        const len = this.received.readUInt32LE(at + 12);
        out.push({ kind: this.received.readUInt32LE(at + 4), value: this.received.readInt32LE(at + 8), len });
        at += HEADER + len;
      }
      if (out.length >= n || this.closed || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves true when the daemon ends the connection within `ms`. */
  async droppedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)));
    const r = await Promise.race([this.closedBy.then(() => true), timeout]);
    clearTimeout(timer);
    return r;
  }
}

describe('malformed ioctls', () => {
  let daemon: Daemon | undefined;
  let dir = '';
  let sock = '';
  const nodes = { dimm: 'nmem0', bus0: 'ndctl0', bus1: 'ndctl1', idle: '' };

  const mnt = (): string => {
    if (!daemon) throw new Error('no daemon');
    return daemon.mnt;
  };

  /** The DIMM of nfit_test.1 that no region maps: its labels are never busy. */
  async function idleDimm(): Promise<string> {
    const devices = join(mnt(), 'sys/bus/nd/devices');
    const names = await readdir(devices);
    const mapped = new Set<string>();
    for (const region of names.filter((n) => n.startsWith('region'))) {
      const count = Number((await readFile(join(devices, region, 'mappings'), 'utf8')).trim());
      for (let i = 0; i < count; i++) mapped.add((await readFile(join(devices, region, `mapping${i}`), 'utf8')).split(',')[0] ?? '');
    }
    for (const nmem of names.filter((n) => n.startsWith('nmem')).sort()) {
      if (!mapped.has(nmem) && (await realpath(join(devices, nmem))).includes('/nfit_test.1/')) return nmem;
    }
    throw new Error('nfit_test.1 has no unmapped DIMM');
  }

  beforeAll(async () => {
    const make = await run('make', ['-C', SHIM_DIR], process.env, 180_000);
    expect(make.code, make.stdout + make.stderr).toBe(0);
    dir = await mkdtemp(join(tmpdir(), 'ndsim-malformed-'));
    sock = join(dir, 'ioctl.sock');
    daemon = await startDaemon('nfit_test', 'virtual', ['--socket', sock, '--control', join(dir, 'control.sock')]);
    nodes.idle = await idleDimm();
  }, 240_000);

  afterAll(async () => {
    await daemon?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runProbe(preload: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
    const env = cleanEnv({ LD_PRELOAD: preload, NDSIM_ROOT: mnt(), NDSIM_SOCKET: sock, NDSIM_SYS: '1', ...extraEnv });
    return run(MALFORMED, [nodes.dimm, nodes.bus0, nodes.bus1, nodes.idle], env, PROBE_TIMEOUT_MS);
  }

  function expectKernelAnswers(r: RunResult): void {
    expect({ code: r.code, signal: r.signal }, r.stdout + r.stderr).toEqual({ code: 0, signal: null });
    const cases = parse(r.stdout);
    expect([...cases.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, want] of Object.entries(EXPECTED)) {
      const got = cases.get(name);
      if (!got) throw new Error(`no result for ${name}`);
      expect(observed(got, want), name).toEqual({ ...want, alive: 'ok' });
    }
    expect(r.stdout).toContain('info idle-labels-unchanged 1');
  }

  it('answers every malformed ioctl with the kernel errno and keeps serving', async () => {
    const r = await runProbe(SHIM);
    expectKernelAnswers(r);
    expect(daemon?.output() ?? '').not.toMatch(/internal error|ioctl service:/);
    expect(daemon?.child.exitCode).toBeNull();
  }, PROBE_TIMEOUT_MS + 10_000);

  it('does the same under the ASan/UBSan build of the shim, without a report', async () => {
    const rt = await run('cc', ['-print-file-name=libasan.so'], process.env, 20_000);
    const libasan = rt.stdout.trim();
    expect(existsSync(libasan), `libasan from cc: ${libasan}`).toBe(true);
    const r = await runProbe(`${libasan} ${SHIM_ASAN}`, {
      ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0',
      UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    });
    expect(r.stderr).not.toMatch(/AddressSanitizer|runtime error|LeakSanitizer/);
    expectKernelAnswers(r);
  }, PROBE_TIMEOUT_MS + 10_000);

  it('drops a connection that sends a garbage or truncated frame, and keeps serving the others', async () => {
    const good = await RawClient.connect(sock);
    good.write(frame(OP_OPEN, 2, Buffer.from('nmem0')));
    expect(await good.replies(1)).toEqual([{ kind: 0, value: 0, len: 0 }]);
    let served = 1;
    /** The long-lived client still gets GET_CONFIG_SIZE answered (all 12 bytes sent at once: DONE 0 with 12 bytes). */
    const stillServes = async () => {
      good.write(frame(OP_IOCTL, ND_IOCTL_GET_CONFIG_SIZE, Buffer.alloc(12)));
      served += 1;
      const replies = await good.replies(served);
      expect(replies.slice(-1)).toEqual([{ kind: 0, value: 0, len: 12 }]);
    };

    const garbage: Array<[string, Buffer[]]> = [
      ['bad magic', [frame(OP_OPEN, 2, Buffer.from('nmem0'), 0x41414141)]],
      ['random bytes', [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]],
      ['payload over 8 MiB', [frame(OP_IOCTL, ND_IOCTL_GET_CONFIG_SIZE, Buffer.alloc(0), MAGIC, 8 * MIB + 1)]],
      ['unknown op', [frame(OP_OPEN, 2, Buffer.from('nmem0')), frame(9, 0)]],
      ['good frame then garbage', [frame(OP_OPEN, 2, Buffer.from('nmem0')), frame(OP_IOCTL, ND_IOCTL_GET_CONFIG_SIZE), Buffer.alloc(HEADER, 0xff)]],
    ];
    for (const [what, bytes] of garbage) {
      const c = await RawClient.connect(sock);
      for (const b of bytes) c.write(b);
      expect(await c.droppedWithin(10_000), what).toBe(true);
      await stillServes();
    }

    // Truncated: half a header, or a header promising more than comes, then EOF.
    for (const [what, bytes] of [
      ['half a header', frame(OP_OPEN, 2, Buffer.from('nmem0')).subarray(0, 7)],
      ['short payload', frame(OP_OPEN, 2, Buffer.from('nmem0')).subarray(0, HEADER + 2)],
    ] as const) {
      const c = await RawClient.connect(sock);
      c.write(bytes);
      c.end();
      expect(await c.droppedWithin(10_000), what).toBe(true);
      expect(await c.replies(0), what).toEqual([]);
      await stillServes();
    }

    // Well-formed frames the daemon refuses without dropping anyone.
    const odd = await RawClient.connect(sock);
    odd.write(frame(OP_IOCTL, ND_IOCTL_GET_CONFIG_SIZE)); // no OPEN yet
    odd.write(frame(OP_OPEN, 2, Buffer.alloc(4096, 0x6e))); // no such node
    odd.write(frame(OP_OPEN, 2, Buffer.from('nmem0\0nmem1')));
    odd.write(frame(OP_OPEN, 2, Buffer.from('nmem0')));
    odd.write(frame(OP_OPEN, 2, Buffer.from('nmem1'))); // already open
    expect(await odd.replies(5)).toEqual([
      { kind: 0, value: -constants.errno.EBADF, len: 0 },
      { kind: 0, value: constants.errno.ENXIO, len: 0 },
      { kind: 0, value: constants.errno.ENXIO, len: 0 },
      { kind: 0, value: 0, len: 0 },
      { kind: 0, value: constants.errno.ENXIO, len: 0 },
    ]);
    expect(odd.closed).toBe(false);
    odd.destroy();

    // A client that vanishes mid-request leaves nothing behind either.
    const gone = await RawClient.connect(sock);
    gone.write(frame(OP_OPEN, 2, Buffer.from('nmem0')));
    gone.write(frame(OP_IOCTL, ND_IOCTL_GET_CONFIG_SIZE, Buffer.alloc(5), MAGIC, 4 * MIB));
    gone.destroy();
    await stillServes();

    good.destroy();
    expect(daemon?.output() ?? '').not.toMatch(/internal error|ioctl service:/);
    const attr = await readFile(join(mnt(), 'sys/bus/nd/devices/nmem0/dev'), 'utf8');
    expect(attr).toMatch(/^\d+:\d+\n$/);
  }, 60_000);
});
