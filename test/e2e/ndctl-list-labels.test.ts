// The captured listing and label steps (01-02 of
// ../shared/oracle/nfit_test/commands.log) with Debian's unmodified ndctl,
// in both sandbox modes: list in every captured form, read-labels, then
// init-labels refused while the regions are active, disable-region,
// init-labels (twice), enable-region, and the listing and labels after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { between, captured, firstDifference, normalise, steps, type Step } from './oracle.js';
import { startSimulation, type Mode, type Simulation } from './sandbox.js';

/** Steps that do not run ndctl on the emulated platform: device-node listings, daxctl. */
const NOT_NDCTL = /devnodes|daxctl/;

for (const mode of ['namespace', 'shim'] as Mode[]) {
  describe(`ndctl list and labels (${mode})`, () => {
    let sim: Simulation;
    beforeAll(async () => {
      sim = await startSimulation(mode);
    });
    afterAll(async () => {
      await sim?.stop();
    });

    async function replay(stepList: Step[]): Promise<{ problems: string[]; ran: number }> {
      const problems: string[] = [];
      let ran = 0;
      for (const step of stepList) {
        if (step.kind !== 'command' || NOT_NDCTL.test(step.name) || !step.command.startsWith('ndctl ')) continue;
        const got = await sim.run(step.command.split(' '));
        const want = await captured(step.name);
        if (got.rc !== want.rc) problems.push(`${step.name}: exit ${got.rc}, captured ${want.rc}\n${got.stderr}`);
        if (normalise(got.stdout) !== normalise(want.stdout)) problems.push(firstDifference(`${step.name} stdout`, normalise(got.stdout), normalise(want.stdout)));
        if (got.stderr !== want.stderr) problems.push(firstDifference(`${step.name} stderr`, got.stderr, want.stderr));
        ran += 1;
      }
      return { problems, ran };
    }

    it('lists the platform as captured before any labels exist (every 01 list form, read-labels)', async () => {
      const { problems, ran } = await replay(between(await steps(), '01-ndctl-list-BDFHRN-vvv', '01-read-labels-j-bus1'));
      expect(problems.join('\n\n')).toBe('');
      expect(ran).toBe(14);
    });

    it('initialises labels as captured and lists the label-backed regions after', async () => {
      const { problems, ran } = await replay(between(await steps(), '02a-init-labels-bus0-while-active', '02-read-labels-j-nmem3'));
      expect(problems.join('\n\n')).toBe('');
      expect(ran).toBe(10);
    });
  });
}
