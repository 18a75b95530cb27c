// The ndsim command line.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runMount } from '../daemon/daemon.js';
import { DEFAULT_TOPOLOGY, listBuiltinTopologies, loadTopology } from '../topology/load.js';

function fail(message: string): never {
  // One line, whatever yargs or a thrown error made of it.
  process.stderr.write(`ndsim: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
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
          .option('clock', { type: 'string', choices: ['real', 'virtual'] as const, default: 'real' as const, describe: 'Real time, or a virtual clock moved through <mnt>/.ndsim/clock' }),
      async (argv) => {
        // Validate before mounting so a bad file never leaves a mount behind.
        const spec = loadTopology(argv.topology);
        await runMount({ spec, topology: argv.topology, clock: argv.clock, mountpoint: argv.mountpoint });
      },
    )
    .command(
      'topologies',
      'List the built-in topologies',
      (y) => y,
      () => {
        for (const t of listBuiltinTopologies()) process.stdout.write(`${t.name.padEnd(12)} ${t.description}\n`);
      },
    )
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
