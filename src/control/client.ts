// The client side of the control service, for `ndsim inject`, `trace`,
// `report` and `explain`: which instance to talk to, one request and its
// answer, or a stream of trace events.
import net from 'node:net';
import type { TraceEvent } from '../trace/tracer.js';
import type { Request, Response } from './protocol.js';

const TIMEOUT_MS = 10_000;

/** --control, else $NDSIM_CONTROL (set inside `ndsim run` and `ndsim scenario`). */
export function controlPath(flag: string | undefined): string {
  const path = flag ?? process.env['NDSIM_CONTROL'];
  if (!path) throw new Error('no running ndsim: give --control SOCKET (printed by ndsim mount) or run inside ndsim run');
  return path;
}

function connect(path: string): Promise<net.Socket> {
  return new Promise((res, rej) => {
    const sock = net.createConnection(path);
    sock.once('connect', () => res(sock));
    sock.once('error', (e) => rej(new Error(`cannot reach ndsim at ${path}: ${e.message}`)));
  });
}

/** One request, one answer; a refused request becomes an Error with the daemon's message. */
export async function request(path: string, req: Request): Promise<Extract<Response, { ok: true }>> {
  const sock = await connect(path);
  sock.setTimeout(TIMEOUT_MS, () => sock.destroy(new Error('no answer from ndsim')));
  let data = '';
  sock.on('data', (d: Buffer) => (data += d.toString('utf8')));
  sock.write(`${JSON.stringify(req)}\n`);
  await new Promise<void>((res, rej) => {
    sock.once('close', () => res());
    sock.once('error', rej);
  });
  const line = data.split('\n')[0] ?? '';
  if (!line) throw new Error('ndsim closed the connection without an answer');
  const res = JSON.parse(line) as Response;
  if (!res.ok) throw new Error(res.error);
  return res;
}

/**
 * Stream trace events to `onEvent` until the daemon goes away or `stop`
 * resolves; `ready` resolves once the subscription is live.
 */
export async function streamTrace(path: string, req: Extract<Request, { op: 'trace' }>, onEvent: (e: TraceEvent) => void, stop?: Promise<void>): Promise<{ ready: Promise<void>; done: Promise<void> }> {
  const sock = await connect(path);
  let buf = '';
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  let first = true;
  sock.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (first) {
        first = false;
        const res = JSON.parse(line) as Response;
        if (!res.ok) {
          sock.destroy(new Error(res.error));
          return;
        }
        readyResolve();
        continue;
      }
      onEvent(JSON.parse(line) as TraceEvent);
    }
  });
  sock.write(`${JSON.stringify(req)}\n`);
  void stop?.then(() => sock.end());
  const done = new Promise<void>((res, rej) => {
    sock.once('close', () => res());
    sock.once('error', rej);
  });
  return { ready, done };
}
