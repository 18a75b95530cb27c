// `ndsim explain PATH`: what a sysfs file means, its values and mode,
// which DSM it drives, its current value and what a write would do now.
// Asks the running instance when there is one (--control or
// $NDSIM_CONTROL), else explains against a fresh simulation of --topology.
import type { CommandModule } from 'yargs';
import { request } from '../control/client.js';
import { createSimulation } from '../daemon/daemon.js';
import { explain, formatExplanation, type Explanation } from '../explain/explain.js';
import { DEFAULT_TOPOLOGY } from '../topology/load.js';

interface ExplainArgs {
  path: string;
  control?: string;
  topology?: string;
  json: boolean;
}

export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain <path>',
  describe: 'Explain a sysfs file or device directory: meaning, values, mode, DSM, current state, what a write would do now',
  builder: (y) =>
    y
      .positional('path', { type: 'string', demandOption: true, describe: 'e.g. /sys/bus/nd/devices/ndbus0/firmware/activate' })
      .option('control', { type: 'string', describe: 'Control socket of a running instance (default: $NDSIM_CONTROL)' })
      .option('topology', { alias: 't', type: 'string', describe: `Explain a fresh simulation of this topology instead of a running instance (the default without one: ${DEFAULT_TOPOLOGY})` })
      .option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const control = argv.topology === undefined ? (argv.control ?? process.env['NDSIM_CONTROL']) : undefined;
    let e: Explanation;
    let text: string;
    if (control) {
      const res = await request(control, { op: 'explain', path: argv.path });
      e = res['explanation'] as Explanation;
      text = String(res['text']);
    } else {
      e = explain(createSimulation(argv.topology ?? DEFAULT_TOPOLOGY, 'virtual'), argv.path);
      text = formatExplanation(e);
    }
    process.stdout.write(argv.json ? `${JSON.stringify(e, null, 2)}\n` : text);
  },
};
