// `ndsim inject`, `ndsim trace`, `ndsim report`: talking to a running
// instance through its control service.
import type { Argv, CommandModule } from 'yargs';
import { controlPath, request, streamTrace } from '../control/client.js';
import { FORCED_RESULTS, type Fault, type ForcedResult } from '../control/protocol.js';
import { formatReport, type Report } from '../control/report.js';
import { ERRNO, type ErrnoName } from '../kernel/errno.js';
import { formatTraceEvent, TRACE_KINDS, type TraceKind } from '../trace/tracer.js';

interface ControlArgs {
  control?: string;
}

function withControl<T>(y: Argv<T>) {
  return y.option('control', { type: 'string', describe: 'Control socket of the instance (default: $NDSIM_CONTROL)' });
}

async function send(argv: ControlArgs, fault: Fault): Promise<void> {
  const res = await request(controlPath(argv.control), { op: 'inject', fault });
  process.stdout.write(`${String(res['done'])}\n`);
}

/** A number the way people write them in these commands: decimal or 0x-hex. */
function integer(v: unknown, what: string): number {
  const s = String(v);
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`${what}: not a number: ${s}`);
  return n;
}

const ERRNO_NAMES = Object.keys(ERRNO) as ErrnoName[];

export const injectCommand: CommandModule<object, ControlArgs> = {
  command: 'inject <fault>',
  describe: 'Inject a fault into a running instance (inside ndsim run / scenario, or with --control)',
  builder: (y) =>
    withControl(y)
      .command(
        'dsm <target> <fn>',
        'Make DSM function FN of a DIMM (nmemN) or bus (ndbusN) fail with an errno, or answer a firmware status',
        (c) =>
          c
            .positional('target', { type: 'string', demandOption: true })
            .positional('fn', { type: 'string', demandOption: true, describe: 'Function number (Intel DIMM: 12-16 firmware update, 29/30 activation; bus: 1 businfo, 2 activate)' })
            .option('errno', { type: 'string', choices: ERRNO_NAMES, describe: 'The call fails with this errno (the ioctl or sysfs access sees it)' })
            .option('status', { type: 'string', describe: 'The call succeeds with this firmware status word, e.g. 0x20007' })
            .option('times', { type: 'number', describe: 'Only this many calls (default: until cleared)' }),
        async (a) => {
          if ((a.errno === undefined) === (a.status === undefined)) throw new Error('give exactly one of --errno and --status');
          await send(a, {
            kind: 'dsm',
            target: a.target,
            fn: integer(a.fn, 'fn'),
            errno: a.errno as ErrnoName | undefined,
            status: a.status === undefined ? undefined : integer(a.status, 'status'),
            times: a.times,
          });
        },
      )
      .command(
        'result <dimm> <result>',
        'Make every later activation of the DIMM end with this result',
        (c) => c.positional('dimm', { type: 'string', demandOption: true }).positional('result', { type: 'string', choices: FORCED_RESULTS, demandOption: true }),
        async (a) => send(a, { kind: 'result', dimm: a.dimm, result: a.result as ForcedResult }),
      )
      .command(
        'busy <bus> <ms>',
        'Hold the platform busy for MS milliseconds: activations answer BUSY; arming fails EBUSY and firmware/activate reads "busy" once the kernel asks the platform again (intel.c caches the state until an arm or activation)',
        (c) => c.positional('bus', { type: 'string', demandOption: true }).positional('ms', { type: 'number', demandOption: true }),
        async (a) => send(a, { kind: 'busy', bus: a.bus, ms: a.ms }),
      )
      .command(
        'stall-verify <dimm> [ms]',
        'Keep the firmware verify of the DIMM busy (for MS milliseconds, default: until cleared)',
        (c) => c.positional('dimm', { type: 'string', demandOption: true }).positional('ms', { type: 'number' }),
        async (a) => send(a, { kind: 'stall-verify', dimm: a.dimm, ms: a.ms }),
      )
      .command(
        'clear [target]',
        'Remove injected faults (of one nmemN/ndbusN, or all)',
        (c) => c.positional('target', { type: 'string' }),
        async (a) => {
          const res = await request(controlPath(a.control), { op: 'clear', target: a.target });
          process.stdout.write(`${String(res['done'])}\n`);
        },
      )
      .command(
        'advance <ms>',
        'Move the virtual clock forward',
        (c) => c.positional('ms', { type: 'number', demandOption: true }),
        async (a) => {
          const res = await request(controlPath(a.control), { op: 'advance', ms: a.ms });
          process.stdout.write(`${String(res['done'])}\n`);
        },
      )
      .demandCommand(1, 'Name a fault; see ndsim inject --help.'),
  handler: () => {},
};

export const traceCommand: CommandModule<object, ControlArgs & { json: boolean; kind?: string[] }> = {
  command: 'trace',
  describe: 'Stream what a running instance does: sysfs reads/writes, ioctls, DSM calls, state transitions, the quiesce',
  builder: (y) =>
    withControl(y)
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per event' })
      .option('kind', { type: 'array', string: true, choices: TRACE_KINDS, describe: 'Only these kinds of event' }),
  handler: async (argv) => {
    const path = controlPath(argv.control);
    const stopped = new Promise<void>((res) => {
      process.once('SIGINT', () => res());
      process.once('SIGTERM', () => res());
    });
    const { ready, done } = await streamTrace(
      path,
      { op: 'trace', kinds: argv.kind as TraceKind[] | undefined },
      (e) => process.stdout.write(argv.json ? `${JSON.stringify(e)}\n` : `${formatTraceEvent(e)}\n`),
      stopped,
    );
    // Scripts that start a trace in the background wait for this line before acting.
    void ready.then(() => process.stderr.write('ndsim: tracing; Ctrl-C to stop\n'));
    await done;
  },
};

export const reportCommand: CommandModule<object, ControlArgs & { json: boolean }> = {
  command: 'report',
  describe: 'What happened so far: activations with their results, faults in force, what tasks and devices went through',
  builder: (y) => withControl(y).option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const res = await request(controlPath(argv.control), { op: 'report' });
    const report = res['report'] as Report;
    process.stdout.write(argv.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  },
};
