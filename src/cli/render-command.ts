// `ndsim render DIR`: a static copy of a topology's fake root (sys/, dev/,
// .ndsim/) as it stands after boot, for the benchmark's baseline and for
// diffing states with ordinary tools. Device nodes are made with mknod(1)
// when running as root, and listed otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { createSimulation } from '../daemon/daemon.js';
import { render, type RenderedDevice } from '../sysfs/render.js';
import { DEFAULT_TOPOLOGY } from '../topology/load.js';

interface RenderArgs {
  dir: string;
  topology: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function makeDevices(dir: string, devices: readonly RenderedDevice[]): boolean {
  if (devices.length === 0) return true;
  if (process.getuid?.() !== 0) return false;
  // One shell for all of them: a process per node would dominate at 1024
  // DIMMs. The script goes in on stdin: as an argument it would pass the
  // kernel's 128 KiB limit on one (MAX_ARG_STRLEN).
  const script = devices.map((d) => `mknod -m ${d.mode.toString(8)} ${shellQuote(join(dir, d.path))} ${d.kind} ${d.major} ${d.minor} || exit 1`).join('\n');
  const r = spawnSync('sh', ['-s'], { input: `${script}\n`, stdio: ['pipe', 'ignore', 'pipe'], timeout: 120_000 });
  if (r.error) throw new Error(`mknod: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`mknod failed: ${r.stderr.toString().trim() || `status ${r.status}`}`);
  return true;
}

export const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render <dir>',
  describe: "Write a static copy of a topology's fake root (sys/, dev/) to DIR, as it stands after boot",
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'An empty or missing directory' })
      .option('topology', { alias: 't', type: 'string', default: DEFAULT_TOPOLOGY, describe: 'Built-in topology NAME or a YAML FILE' }),
  handler: (argv) => {
    const dir = resolve(argv.dir);
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`render: ${argv.dir} is not empty`);
    const sim = createSimulation(argv.topology, 'virtual');
    const r = render(sim.vfs, '/', dir);
    const made = makeDevices(dir, r.devices);
    process.stdout.write(
      `ndsim: rendered ${argv.topology} to ${dir}: ${r.dirs} directories, ${r.files} files (${r.unreadable} write-only or failing, written empty), ${r.links} symlinks, ` +
        `${r.devices.length} device nodes${made ? '' : ' (not made: mknod needs root)'}\n`,
    );
    if (!made) for (const d of r.devices) process.stdout.write(`  ${d.path} ${d.kind} ${d.major}:${d.minor} ${d.mode.toString(8)}\n`);
  },
};
