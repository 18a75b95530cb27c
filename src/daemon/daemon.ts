// The daemon: topology → simulated platform → libnvdimm model → fake root,
// served over FUSE until SIGINT/SIGTERM, then unmounted cleanly.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import createDebug from 'debug';
import { makeClock, type Clock, type ClockKind } from '../clock/clock.js';
import { mountFs, type Mounted } from '../fuse/fuse-adapter.js';
import { NvdimmSystem } from '../nvdimm/system.js';
import { NfitPlatform } from '../platform/nfit-platform.js';
import { buildTree } from '../sysfs/tree.js';
import { SysfsVfs } from '../sysfs/vfs.js';
import type { DirNode } from '../sysfs/node.js';
import { startIoctlService, type IoctlService } from '../ioctl/server.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/schema.js';
import { addControlFiles, CONTROL_DIR } from './control.js';
import { startControlService, type ControlService } from '../control/server.js';
import { Tracer } from '../trace/tracer.js';
import { addFirmwareControls } from './firmware-control.js';
import { addModprobeConfig } from './modprobe-config.js';
import type { PlatformPersistence } from '../platform/platform-persistence.js';
import { refuseStateInsideMount } from '../persist/mount-guard.js';
import { StateDir } from '../persist/state-dir.js';
import { prepareMountpoint } from './mountpoint.js';
import { defaultSocketDir, removeStaleDefaultSockets } from './socket-path.js';

const debug = createDebug('ndsim:daemon');
const UNMOUNT_DEADLINE_MS = 5000;

export interface Simulation {
  readonly clock: Clock;
  readonly system: NvdimmSystem;
  readonly vfs: SysfsVfs;
  /** Every layer's events, for `ndsim trace` and DEBUG=ndsim:*. */
  readonly tracer: Tracer;
}

/** Build everything but the mount: the same object graph tests drive in-process. */
export function createSimulation(topology: string, clockKind: ClockKind, endpoints: ControlEndpoints = {}): Simulation {
  return buildSimulation(loadTopology(topology), topology, clockKind, endpoints);
}

export function buildSimulation(spec: Topology, topology: string, clockKind: ClockKind, endpoints: ControlEndpoints = {}, persistence?: PlatformPersistence): Simulation {
  const clock = makeClock(clockKind);
  const tracer = new Tracer(() => clock.now());
  const system = new NvdimmSystem(new NfitPlatform(spec, clock, tracer, persistence), clock);
  let built: { generation: number; root: DirNode } | undefined;
  const vfs = new SysfsVfs({
    tree: () => {
      // The tree's shape follows the model; rebuild only when it changed.
      if (!built || built.generation !== system.generation) {
        const root = buildTree(system);
        addControlFiles(root, clock, topology, endpoints);
        addFirmwareControls(root, CONTROL_DIR, system.dimms);
        addModprobeConfig(root);
        built = { generation: system.generation, root };
      }
      return built.root;
    },
  }, tracer);
  return { clock, system, vfs, tracer };
}

/** Where the daemon's services listen; shown under /.ndsim. */
export interface ControlEndpoints {
  /** The ioctl service (NDSIM_SOCKET). */
  socket?: string;
  /** The control service (NDSIM_CONTROL). */
  control?: string;
}

export interface MountOptions {
  /** The validated topology and the name it was asked for by. */
  spec: Topology;
  topology: string;
  clock: ClockKind;
  mountpoint: string;
  /** The ioctl service's socket; a private default under the temp directory. */
  socket?: string;
  /** The control service's socket; a private default beside it. */
  control?: string;
  /** A state directory kept across restarts (docs/persistence.md). */
  state?: string;
  /** Drop what the state directory kept and begin afresh. */
  resetState?: boolean;
  /** FUSE allow_other: let other users in (the kernel still enforces the modes: default_permissions). */
  allowOther?: boolean;
  /** Unmount and exit when standard input ends (the parent closed it, or died). */
  stopOnStdinEof?: boolean;
}

/**
 * The sockets' paths: as given, else private to this user and process in
 * the per-user directory, where the default sockets of killed daemons are
 * removed on the way (one scan for both).
 */
function socketPaths(opts: MountOptions): { socket: string; control: string } {
  if (opts.socket !== undefined && opts.control !== undefined) return { socket: opts.socket, control: opts.control };
  const dir = defaultSocketDir();
  for (const stale of removeStaleDefaultSockets(dir)) debug('removed stale socket %s', stale);
  return { socket: opts.socket ?? join(dir, `ioctl-${process.pid}.sock`), control: opts.control ?? join(dir, `control-${process.pid}.sock`) };
}

export async function runMount(opts: MountOptions): Promise<void> {
  // A stop request while starting is kept and honoured once the mount is up,
  // so that nothing started (sockets, mount) outlives it.
  let stopRequested: string | undefined;
  let stop: (why: string) => void = (why) => (stopRequested ??= why);
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (opts.stopOnStdinEof) {
    // The parent holds the other end: when it dies, even by SIGKILL, the
    // pipe closes and the mount goes with it (ndsim run starts us so).
    process.stdin.once('end', () => stop('end of standard input'));
    process.stdin.once('error', () => stop('standard input failed'));
    process.stdin.resume();
  }
  // First the mountpoint: a stale mount is cleared, a live one refused before anything starts.
  await prepareMountpoint(opts.mountpoint, (line) => process.stderr.write(`${line}\n`));
  const { socket, control } = socketPaths(opts);
  // Loaded and checked before anything is built or mounted: a bad state dir leaves nothing behind.
  if (opts.state !== undefined) refuseStateInsideMount(opts.state, opts.mountpoint);
  const state = opts.state === undefined ? undefined : StateDir.open({ dir: opts.state, spec: opts.spec, topology: opts.topology, reset: opts.resetState });
  const sim = buildSimulation(opts.spec, opts.topology, opts.clock, { socket, control }, state);
  const ioctl: IoctlService = await startIoctlService(socket, sim.system, sim.tracer);
  let ctl: ControlService | undefined;
  let mounted: Mounted;
  try {
    ctl = await startControlService(control, sim);
    mounted = await mountFs(opts.mountpoint, sim.vfs, { fsname: `ndsim-${opts.topology.replace(/[^\w.-]/g, '_')}`, allowOther: opts.allowOther });
  } catch (e) {
    // Leave no socket behind for a daemon that never served.
    await Promise.all([ioctl.close(), ctl?.close()]);
    throw e;
  }
  const services = [ioctl, ctl];
  process.stdout.write(`ndsim: ${opts.topology} mounted at ${opts.mountpoint} (clock: ${opts.clock}, ioctl socket: ${socket}, control socket: ${control}); Ctrl-C to unmount\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      debug('%s: unmounting', why);
      // Never outlive a stop request: if fusermount stalls, detach and go.
      setTimeout(() => {
        spawnSync('fusermount', ['-uz', opts.mountpoint], { stdio: 'ignore', timeout: 2000 });
        process.exit(0);
      }, UNMOUNT_DEADLINE_MS).unref();
      void Promise.all(services.map((s) => s.close()))
        .then(() => mounted.unmount())
        .then(resolve);
    };
    if (stopRequested) stop(stopRequested);
  });
  process.stdout.write(`ndsim: unmounted ${opts.mountpoint}\n`);
  // The FUSE thread ends with the process; nothing else keeps it alive.
  process.exit(0);
}
