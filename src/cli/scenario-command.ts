// `ndsim scenario FILE`: run a YAML timeline of commands, injected faults
// and expectations against a fresh simulation, for users' CI. TAP on
// stdout (or one JSON document with --json); exit 0 when every step
// passed, 1 when one failed, 2 when the file itself is bad.
import type { CommandModule } from 'yargs';
import { runScenario } from '../scenario/runner.js';
import { loadScenario, ScenarioError } from '../scenario/schema.js';
import { tapHeader, tapStep, tapSummary } from '../scenario/tap.js';

interface ScenarioArgs {
  file: string;
  json: boolean;
  'keep-going': boolean;
  namespace?: boolean;
}

const EXIT = { passed: 0, failed: 1, badFile: 2 } as const;

export const scenarioCommand: CommandModule<object, ScenarioArgs> = {
  command: 'scenario <file>',
  describe: 'Run a YAML scenario of commands, faults and expectations against a fresh simulation (TAP)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'The scenario file (docs/scenarios.md)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document with every step instead of TAP' })
      .option('keep-going', { type: 'boolean', default: false, describe: 'Run the remaining steps after a failed one' })
      .option('namespace', {
        type: 'boolean',
        describe: "Bind the fake sys over /sys in a private mount namespace (default: the scenario's namespace:, else true); --no-namespace makes the shim redirect /sys",
      }),
  handler: async (argv) => {
    let scenario;
    try {
      scenario = await loadScenario(argv.file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      process.stderr.write(`ndsim: ${e.message}\n`);
      process.exitCode = EXIT.badFile;
      return;
    }
    // Ctrl-C or a CI runner's SIGTERM: kill the running command, skip the rest, still tear down.
    const abort = new AbortController();
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = () => abort.abort();
    for (const s of signals) process.on(s, onSignal);
    const tap = !argv.json;
    try {
      const result = await runScenario(scenario, {
        namespace: argv.namespace ?? scenario.namespace,
        keepGoing: argv['keep-going'],
        signal: abort.signal,
        onStart: (info) => tap && process.stdout.write(tapHeader({ ...scenario, ...info })),
        onStep: (r) => tap && process.stdout.write(tapStep(r, scenario.file)),
      });
      process.stdout.write(tap ? tapSummary(result) : `${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = result.ok ? EXIT.passed : EXIT.failed;
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  },
};
