// The ndsim command line.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runMount } from '../daemon/daemon.js';
import { endLike, runWithSimulation } from './run.js';
import { injectCommand, reportCommand, traceCommand } from './control-commands.js';
import { explainCommand } from './explain-command.js';
import { scenarioCommand } from './scenario-command.js';
import { renderCommand } from './render-command.js';
import { DEFAULT_TOPOLOGY, listBuiltinTopologies, loadTopology } from '../topology/load.js';

function fail(message: string): never {
  // One line, whatever yargs or a thrown error made of it.
  process.stderr.write(`ndsim: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}

function simulationOptions<T>(y: Argv<T>) {
  return y
    .option('topology', { alias: 't', type: 'string', default: DEFAULT_TOPOLOGY, describe: 'Built-in topology NAME or a YAML FILE' })
    .option('clock', { type: 'string', choices: ['real', 'virtual'] as const, default: 'real' as const, describe: 'Real time, or a virtual clock moved through $NDSIM_ROOT/.ndsim/clock' })
    .option('state', { type: 'string', describe: 'Keep label areas, firmware state and namespace metadata in DIR across runs' })
    .option('reset-state', { type: 'boolean', default: false, describe: 'Begin the --state DIR afresh, dropping what it kept' })
    .option('namespace', {
      type: 'boolean',
      default: true,
      describe: 'Bind the fake sys over /sys in a private mount namespace; --no-namespace makes the shim redirect /sys instead',
    });
}

async function exitWith(argv: { topology: string; clock: 'real' | 'virtual'; namespace: boolean; state: string | undefined; resetState: boolean }, command: string[]): Promise<void> {
  // A bad topology is refused before anything is started.
  loadTopology(argv.topology);
  // The command's exit status, or its killing signal re-raised after the teardown.
  endLike(await runWithSimulation({ topology: argv.topology, clock: argv.clock, noNamespace: !argv.namespace, state: argv.state, resetState: argv.resetState, command }));
}

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('ndsim')
    .usage('$0 <command> [options]\n\nEmulate the Linux libnvdimm ABI (/sys and /dev) for virtual NVDIMMs.')
    .command(
      'mount <mountpoint>',
      'Mount a fake root (sys/, dev/) for a topology and serve it in the foreground',
      (y) =>
        y
          .positional('mountpoint', { type: 'string', demandOption: true, describe: 'Directory to mount on (created if missing)' })
          .option('topology', { alias: 't', type: 'string', default: DEFAULT_TOPOLOGY, describe: 'Built-in topology NAME or a YAML FILE' })
          .option('clock', { type: 'string', choices: ['real', 'virtual'] as const, default: 'real' as const, describe: 'Real time, or a virtual clock moved through <mnt>/.ndsim/clock' })
          .option('socket', { type: 'string', describe: 'Unix socket of the ioctl service for the shim (default: private, under the temp directory)' })
          .option('control', { type: 'string', describe: 'Unix socket of the control service for ndsim inject/trace/report/explain (default: private, beside the ioctl socket)' })
          .option('state', { type: 'string', describe: 'Keep label areas, firmware state and namespace metadata in DIR across restarts (outside the mountpoint)' })
          .option('reset-state', { type: 'boolean', default: false, describe: 'Begin the --state DIR afresh, dropping what it kept' })
          .option('allow-other', { type: 'boolean', default: false, describe: 'Let other users into the mount (FUSE allow_other; the file modes still apply). Default: only you' })
          .option('stop-on-stdin-eof', { type: 'boolean', default: false, describe: 'Unmount and exit when standard input ends, e.g. when the parent process dies' }),
      async (argv) => {
        // Validate before mounting so a bad file never leaves a mount behind.
        const spec = loadTopology(argv.topology);
        await runMount({
          spec,
          topology: argv.topology,
          clock: argv.clock,
          mountpoint: argv.mountpoint,
          socket: argv.socket,
          control: argv.control,
          state: argv.state,
          resetState: argv.resetState,
          allowOther: argv.allowOther,
          stopOnStdinEof: argv.stopOnStdinEof,
        });
      },
    )
    .command(
      'run',
      'Run a command against a fresh simulation, the fake /sys and /dev at their real paths; exit with its status',
      (y) => simulationOptions(y).usage('$0 run [options] -- COMMAND [ARGS...]'),
      async (argv) => {
        const rest: unknown = argv['--'];
        const command = Array.isArray(rest) ? rest.map(String) : [];
        if (command.length === 0) fail('run needs a command after --, e.g. ndsim run -- ndctl list');
        await exitWith(argv, command);
      },
    )
    .command(
      'shell',
      'An interactive shell ($SHELL, else /bin/sh) inside a fresh simulation',
      (y) => simulationOptions(y),
      async (argv) => exitWith(argv, [process.env['SHELL'] || '/bin/sh']),
    )
    .command(injectCommand)
    .command(traceCommand)
    .command(reportCommand)
    .command(explainCommand)
    .command(scenarioCommand)
    .command(renderCommand)
    .command(
      'topologies',
      'List the built-in topologies',
      (y) => y,
      () => {
        for (const t of listBuiltinTopologies()) process.stdout.write(`${t.name.padEnd(12)} ${t.description}\n`);
      },
    )
    .parserConfiguration({ 'populate--': true })
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(100)
    .fail((msg, err) => fail(err ? err.message : msg))
    .parseAsync();
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
