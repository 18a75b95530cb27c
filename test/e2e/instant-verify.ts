// nfit_test with a zero firmware verify time. ndctl update-firmware waits for
// the verify by polling finish-query on its own real-time clock (at most
// max_query_time), so on a virtual clock that only the test moves the
// verify would never end; every other rule stays nfit_test's.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { REPO } from '../integration/daemon-harness.js';

interface TopologyShape {
  buses: { dimms?: { firmware?: Record<string, unknown> }[] }[];
}

export async function writeInstantVerifyTopology(dir: string): Promise<string> {
  const text = await readFile(join(REPO, 'topologies/nfit_test.yaml'), 'utf8');
  const spec = parseDocument(text, { merge: true }).toJS({ maxAliasCount: -1 }) as TopologyShape;
  for (const bus of spec.buses) for (const dimm of bus.dimms ?? []) dimm.firmware = { ...dimm.firmware, verifyMs: 0 };
  const file = join(dir, 'nfit_test-instant-verify.yaml');
  await writeFile(file, JSON.stringify(spec, null, 1));
  return file;
}
