// The control service: a Unix socket the daemon owns, private to the user
// who started it (the socket is 0600 inside a 0700 directory), through
// which `ndsim inject`, `trace`, `report` and `explain` reach a running
// simulation. It only calls into the model and the platform; it never
// touches the FUSE mount.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { VirtualClock } from '../clock/clock.js';
import type { Simulation } from '../daemon/daemon.js';
import { listenPrivately } from '../daemon/socket-path.js';
import { explain, formatExplanation } from '../explain/explain.js';
import { clearFaults, inject } from './inject.js';
import { requestSchema, type Request, type Response } from './protocol.js';
import { buildReport } from './report.js';

/** A request line longer than this is refused (nothing legitimate comes close). */
const MAX_LINE = 64 * 1024;

export interface ControlService {
  readonly path: string;
  close(): Promise<void>;
}

function answer(sim: Simulation, req: Exclude<Request, { op: 'trace' }>): Response {
  const { system, clock, tracer } = sim;
  switch (req.op) {
    case 'inject':
      return { ok: true, done: inject(system, clock, tracer, req.fault) };
    case 'clear':
      return { ok: true, done: clearFaults(system, tracer, req.target) };
    case 'advance':
      if (!(clock instanceof VirtualClock)) return { ok: false, error: 'the clock is real; start with --clock virtual to move it' };
      clock.advance(req.ms);
      tracer.emit('inject', `clock advanced ${req.ms} ms to ${clock.now()} ms`);
      return { ok: true, done: `clock at ${clock.now()} ms` };
    case 'report':
      return { ok: true, report: buildReport(system, clock) };
    case 'explain': {
      const e = explain(sim, req.path);
      return { ok: true, explanation: e, text: formatExplanation(e) };
    }
  }
}

function handleLine(sim: Simulation, sock: net.Socket, line: string): void {
  let req: Request;
  try {
    const parsed = requestSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
    req = parsed.data;
  } catch (e) {
    sock.end(`${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) })}\n`);
    return;
  }
  if (req.op === 'trace') {
    const kinds = req.kinds ? new Set(req.kinds) : undefined;
    const off = sim.tracer.subscribe((ev) => {
      if (!kinds || kinds.has(ev.kind)) sock.write(`${JSON.stringify(ev)}\n`);
    });
    sock.on('close', off);
    // The subscription is live once this line is out: clients wait for it.
    sock.write(`${JSON.stringify({ ok: true, tracing: true })}\n`);
    return;
  }
  let res: Response;
  try {
    res = answer(sim, req);
  } catch (e) {
    res = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  sock.end(`${JSON.stringify(res)}\n`);
}

export async function startControlService(path: string, sim: Simulation): Promise<ControlService> {
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = '';
    let handled = false;
    sock.on('data', (chunk: Buffer) => {
      if (handled) return;
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_LINE) {
          handled = true;
          buf = '';
          sock.end(`${JSON.stringify({ ok: false, error: 'request too long' })}\n`);
        }
        return;
      }
      handled = true;
      handleLine(sim, sock, buf.slice(0, nl));
    });
  });
  // Created with no access for group and others before anyone can connect;
  // a stale socket of a killed daemon is replaced, a live one refused.
  await listenPrivately(server, path);
  return {
    path,
    close: () =>
      new Promise<void>((res) => {
        for (const s of open) s.destroy();
        server.close(() => {
          rmSync(path, { force: true });
          res();
        });
      }),
  };
}
