// The ioctl service: a Unix socket on which the LD_PRELOAD shim stands in
// for the char devices /dev/ndctlN and /dev/nmemN. One connection is one
// open file: OPEN names the node (nd_open keeps its minor and the access
// mode), each IOCTL runs the libnvdimm core's ioctl path on it.
import { rmSync } from 'node:fs';
import net from 'node:net';
import createDebug from 'debug';
import { ERRNO, errnoName } from '../kernel/errno.js';
import { O_ACCMODE, O_RDONLY } from '../kernel/open-flags.js';
import { ndIoctl, type ControlNode, type IoctlSystem } from '../nvdimm/nd-ioctl.js';
import { BUS_CMD_NAMES, DIMM_CMD_NAMES } from '../nvdimm/nd-cmd-desc.js';
import { ND_CMD } from '../platform/nd-cmd-payloads.js';
import type { Tracer } from '../trace/tracer.js';
import { listenPrivately } from '../daemon/socket-path.js';
import { encodeRange, encodeReply, MAX_PAYLOAD, OP, REPLY, RequestReader, WireError, type Request } from './wire.js';

const debug = createDebug('ndsim:ioctl');
const NODE_NAME = /^(ndctl|nmem)(\d{1,9})$/;
/** A pmem disk (nvdimm_namespace_disk_name): pmem<region>[.<nsid>][s]. */
const DISK_NAME = /^pmem\d{1,9}(?:\.\d{1,9})?s?$/;

export interface IoctlService {
  readonly path: string;
  close(): Promise<void>;
}

/** One connection's state: the node it opened, if any. */
class Session {
  node: ControlNode | undefined;

  constructor(
    private readonly system: IoctlSystem,
    private readonly tracer: Tracer,
  ) {}

  handle(req: Request): Buffer {
    switch (req.op) {
      case OP.OPEN:
        return this.open(req);
      case OP.IOCTL:
        return this.ioctl(req);
      default:
        throw new WireError(`unknown op ${req.op}`);
    }
  }

  private open(req: Request): Buffer {
    const name = req.payload.toString('latin1');
    if (DISK_NAME.test(name)) return encodeReply(REPLY.DONE, this.openDisk(name));
    const m = NODE_NAME.exec(name);
    if (this.node || !m) return encodeReply(REPLY.DONE, ERRNO.ENXIO);
    this.node = { kind: m[1] === 'nmem' ? 'dimm' : 'bus', minor: Number(m[2]), readOnly: (req.arg & O_ACCMODE) === O_RDONLY };
    debug('open %s%s', m[1], m[2]);
    return encodeReply(REPLY.DONE, 0);
  }

  /**
   * blkdev_open(): the disk must exist; ndsim models no holders (mounts,
   * device-mapper), so an exclusive open always succeeds. The shim then
   * closes this connection: no disk I/O travels over it.
   */
  private openDisk(name: string): number {
    return this.system.regions.some((r) => r.namespaces.some((ns) => ns.disk?.name === name)) ? 0 : ERRNO.ENXIO;
  }

  private ioctl(req: Request): Buffer {
    if (!this.node) return encodeReply(REPLY.DONE, -ERRNO.EBADF);
    const outcome = ndIoctl(this.system, this.node, req.arg, req.payload, MAX_PAYLOAD);
    if ('need' in outcome) return encodeReply(REPLY.NEED, outcome.need);
    debug('ioctl %s%d 0x%s → %d', this.node.kind, this.node.minor, req.arg.toString(16), outcome.ret);
    if (this.tracer.wants('ioctl')) this.trace(this.node, req.arg, req.payload, outcome.ret);
    if ('unlessFault' in outcome) return encodeReply(REPLY.UNLESS_FAULT, outcome.ret, encodeRange(outcome.unlessFault.offset, outcome.unlessFault.length));
    return encodeReply(REPLY.DONE, outcome.ret, outcome.ret >= 0 ? outcome.out : undefined);
  }

  private trace(node: ControlNode, request: number, arg: Buffer, ret: number): void {
    const device = `${node.kind === 'dimm' ? 'nmem' : 'ndctl'}${node.minor}`;
    const nr = request & 0xff;
    const name = (node.kind === 'dimm' ? DIMM_CMD_NAMES : BUS_CMD_NAMES)[nr] ?? `cmd ${nr}`;
    // ND_CMD_CALL: nd_cmd_pkg starts with nd_family and nd_command (u64 each).
    const call = nr === ND_CMD.CALL && arg.length >= 16 ? ` family ${arg.readBigUInt64LE(0)} fn ${arg.readBigUInt64LE(8)}` : '';
    const result = ret < 0 ? `-${errnoName(-ret) ?? -ret}` : String(ret);
    this.tracer.emit('ioctl', `/dev/${device} ${name}${call}: ${result}`, { device, request, nr, name, ret });
  }
}

export async function startIoctlService(path: string, system: IoctlSystem, tracer: Tracer): Promise<IoctlService> {
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    const session = new Session(system, tracer);
    const reader = new RequestReader();
    sock.on('data', (chunk) => {
      try {
        for (const req of reader.push(chunk)) sock.write(session.handle(req));
      } catch (e) {
        // A malformed stream ends the connection; the daemon keeps serving.
        debug('dropping connection: %s', e instanceof Error ? e.message : String(e));
        if (!(e instanceof WireError)) process.stderr.write(`ndsim: ioctl service: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        sock.destroy();
      }
    });
    sock.on('error', () => sock.destroy());
  });
  // Only the user who started ndsim may connect: 0600 from the moment it
  // exists, whatever the umask (the default directory is private too).
  await listenPrivately(server, path);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const sock of open) sock.destroy();
        rmSync(path, { force: true });
      }),
  };
}
