// __nd_ioctl against arbitrary requests: any command number, any node and
// access mode, nd_cmd_pkg and label headers with arbitrary families,
// functions and sizes. Driven the way the shim drives the daemon, the model
// must always answer in protocol terms (a growing NEED within the wire
// limit, a return value, a kernel errno, or an UNLESS_FAULT range within
// one envelope), never throw, and keep answering a good ioctl afterwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD } from '../../src/ioctl/wire.js';
import { ndIoctl, type ControlNode } from '../../src/nvdimm/nd-ioctl.js';
import { GET_CONFIG_SIZE, ND_CMD_PKG } from '../../src/platform/nd-cmd-payloads.js';
import { decode, encode } from '../../src/platform/payload.js';
import { makeSimulation } from './helpers.js';

const MAX_ERRNO = 4095;
const MAX_ROUNDS = 16;
/** _IOC(dir, 'N', nr, size) with arbitrary direction and size bits. */
const request = fc.record({ dir: fc.integer({ min: 0, max: 3 }), type: fc.constantFrom(0x4e, 0x58, 0), nr: fc.oneof(fc.constantFrom(1, 2, 4, 5, 6, 9, 10), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 255 })), size: fc.integer({ min: 0, max: 0x3fff }) }).map(({ dir, type, nr, size }) => ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0);

/** Sizes around the interesting edges: zero, small, the 4 MiB limit, past the 8 MiB wire limit, u32 wrap. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.constantFrom(4 * 1024 * 1024 - 64, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 9 * 1024 * 1024, 0xffff_ffc0, 0xffff_ffff),
  fc.integer({ min: 0, max: 0xffff_ffff }),
);

/** The leading bytes of the argument: an nd_cmd_pkg-shaped header, a label header, or noise. */
const head = fc.oneof(
  fc.record({ family: fc.oneof(fc.integer({ min: 0, max: 7 }).map(BigInt), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), command: fc.oneof(fc.integer({ min: 0, max: 40 }).map(BigInt), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), sizeIn: size, sizeOut: size }).map((p) => {
    const b = Buffer.alloc(ND_CMD_PKG.size);
    encode(ND_CMD_PKG, b, p);
    return b;
  }),
  fc.tuple(size, size).map(([a, b]) => {
    const buf = Buffer.alloc(8);
    buf.writeUInt32LE(a, 0);
    buf.writeUInt32LE(b, 4);
    return buf;
  }),
  fc.uint8Array({ maxLength: 96 }).map((a) => Buffer.from(a)),
);

const node = fc.record({ kind: fc.constantFrom('bus' as const, 'dimm' as const), minor: fc.integer({ min: 0, max: 7 }), readOnly: fc.boolean() });

describe('__nd_ioctl under arbitrary input', () => {
  it('always answers in protocol terms and keeps serving', () => {
    const { system } = makeSimulation();
    const good: ControlNode = { kind: 'dimm', minor: 0, readOnly: false };
    fc.assert(
      fc.property(node, request, head, (n: ControlNode, req: number, lead: Buffer) => {
        let sent = 0;
        let rounds = 0;
        for (;;) {
          // The argument: the header, then zeros as far as the daemon asks.
          const arg = Buffer.alloc(Math.max(sent, 0));
          lead.copy(arg, 0, 0, Math.min(lead.length, sent));
          const outcome = ndIoctl(system, n, req, arg, MAX_PAYLOAD);
          if ('need' in outcome) {
            expect(outcome.need).toBeGreaterThan(sent);
            expect(outcome.need).toBeLessThanOrEqual(MAX_PAYLOAD);
            expect(++rounds).toBeLessThanOrEqual(MAX_ROUNDS);
            sent = outcome.need;
            continue;
          }
          expect(Number.isInteger(outcome.ret)).toBe(true);
          expect(outcome.ret).toBeGreaterThanOrEqual(-MAX_ERRNO);
          if ('unlessFault' in outcome) {
            expect(outcome.ret).toBeLessThan(0);
            expect(outcome.unlessFault.length).toBeGreaterThan(0);
            expect(outcome.unlessFault.length).toBeLessThanOrEqual(256);
            expect(outcome.unlessFault.offset + outcome.unlessFault.length).toBeGreaterThan(MAX_PAYLOAD);
          } else if (outcome.ret >= 0) {
            expect(outcome.out?.length ?? 0).toBeLessThanOrEqual(Math.min(sent, MAX_PAYLOAD));
          }
          break;
        }
        const size = ndIoctl(system, good, 0xc00c4e04, Buffer.alloc(GET_CONFIG_SIZE.size), MAX_PAYLOAD);
        expect(size).toMatchObject({ ret: 0 });
        if ('out' in size && size.out) expect(decode(GET_CONFIG_SIZE, size.out).configSize).toBe(128 * 1024);
      }),
      { numRuns: 1000, ...(process.env['NDSIM_FUZZ_SEED'] ? { seed: Number(process.env['NDSIM_FUZZ_SEED']) } : { seed: 5 }) },
    );
  });
});
