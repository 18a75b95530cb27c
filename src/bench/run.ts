// npm run bench: what ndsim costs against the physical limit, a static copy
// of the same tree (`ndsim render`) bound over /sys the same way. Numbers
// are printed as markdown tables for docs/performance.md, never asserted.
//
//   node dist/bench/run.js [--sizes 4,64,1024] [--runs N] [--runs-large N]
//   (--runs: 11 by default; --runs-large, for 1024 DIMMs and more: 3, no warm-up)
//
// For each scale topology (topologies/scale/scale-N.yaml): daemon start
// time and RSS, `ndctl list -BDF -vvv` and `ndctl list -BDFHRN` on ndsim
// and on the static copy (runs alternate, so drift hits both alike), the
// ioctl round trip through the shim (median of 10,000), and a 1 MiB
// `ndctl update-firmware`.
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sandboxed, withSimulation, type RunningSimulation } from '../cli/run.js';
import { runBound, runTimed as run } from './in-namespace.js';
import { CLI, IOCTL_RTT, SCALE_DIR } from './paths.js';
import { formatMs, median, quantile, summarize } from './stats.js';

interface Options {
  sizes: number[];
  runs: number;
  runsLarge: number;
}

function options(argv: readonly string[]): Options {
  const o: Options = { sizes: [4, 64, 1024], runs: 11, runsLarge: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--sizes' && v) o.sizes = v.split(',').map(Number);
    else if (argv[i] === '--runs' && v) o.runs = Number(v);
    else if (argv[i] === '--runs-large' && v) o.runsLarge = Number(v);
    else continue;
    i += 1;
  }
  return o;
}

const LISTINGS: ReadonlyArray<readonly string[]> = [
  ['ndctl', 'list', '-BDF', '-vvv'],
  ['ndctl', 'list', '-BDFHRN'],
];

const sortedLines = (s: string) => s.split('\n').sort().join('\n');

interface ListingResult {
  command: string;
  ndsim: number[];
  static: number[];
  ratios: number[];
  sameOutput: boolean;
}

interface SizeResult {
  dimms: number;
  files: number;
  renderMs: number;
  startMs: number;
  rssStartKiB: number;
  rssAfterKiB: number;
  listings: ListingResult[];
  ioctlUs: { median: number; p10: number; p90: number; max: number };
  updateMs: number[];
}

async function listings(d: RunningSimulation, staticRoot: string, runs: number, warmUp: boolean): Promise<ListingResult[]> {
  const out: ListingResult[] = [];
  for (const argv of LISTINGS) {
    const r: ListingResult = { command: argv.join(' '), ndsim: [], static: [], ratios: [], sameOutput: true };
    // One warm-up each (page cache, the dynamic loader, the daemon's JIT),
    // except where a single listing takes minutes.
    if (warmUp) {
      await runBound(d, d.root, argv);
      await runBound(d, staticRoot, argv);
    }
    for (let i = 0; i < runs; i++) {
      const a = await runBound(d, d.root, argv);
      const b = await runBound(d, staticRoot, argv);
      if (a.status !== 0 || b.status !== 0) throw new Error(`${r.command} failed: ndsim ${a.status} ${a.stderr.trim()} / static ${b.status} ${b.stderr.trim()}`);
      // Same lines in any order: ndctl lists in readdir order, and the
      // static copy's directories are in the host filesystem's order.
      if (sortedLines(a.stdout) !== sortedLines(b.stdout)) r.sameOutput = false;
      r.ndsim.push(a.ms);
      r.static.push(b.ms);
      r.ratios.push(a.ms / b.ms);
    }
    out.push(r);
  }
  return out;
}

async function ioctlRoundTrip(d: RunningSimulation): Promise<SizeResult['ioctlUs']> {
  // No namespace needed: only /dev/nmem0 is used, through the shim.
  const s = sandboxed(d, [IOCTL_RTT, '/dev/nmem0', '10000'], false);
  const r = await run(s.file, s.args, s.env);
  if (r.status !== 0) throw new Error(`ioctl-rtt: ${r.stderr.trim()}`);
  const [med, p10, , p90, max] = r.stdout.trim().split(' ').map(Number);
  return { median: med ?? NaN, p10: p10 ?? NaN, p90: p90 ?? NaN, max: max ?? NaN };
}

async function firmwareUpdates(d: RunningSimulation, image: string, count: number): Promise<number[]> {
  const times: number[] = [];
  // A DIMM takes one update until it is activated or reset: a fresh one each time.
  for (let i = 0; i < count; i++) {
    const r = await runBound(d, d.root, ['ndctl', 'update-firmware', '-f', image, `nmem${i}`]);
    if (r.status !== 0) throw new Error(`update-firmware nmem${i}: ${r.stderr.trim()}`);
    times.push(r.ms);
  }
  return times;
}

async function rssKiB(pid: number): Promise<number> {
  return Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

async function benchSize(dimms: number, runs: number, image: string): Promise<SizeResult> {
  const topology = join(SCALE_DIR, `scale-${dimms}.yaml`);
  const staticRoot = await mkdtemp(join(tmpdir(), 'ndsim-static-'));
  try {
    const t0 = process.hrtime.bigint();
    const rendered = await run(process.execPath, [CLI, 'render', staticRoot, '--topology', topology], process.env);
    if (rendered.status !== 0) throw new Error(`render: ${rendered.stderr.trim()}`);
    const renderMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const files = Number(/(\d+) files/.exec(rendered.stdout)?.[1] ?? NaN);
    // The daemon as `ndsim run` starts and stops it; its start time is
    // spawn to "mounted at", on the real clock users run.
    const t1 = process.hrtime.bigint();
    return await withSimulation({ topology, clock: 'real', noNamespace: false }, async (d) => {
      const startMs = Number(process.hrtime.bigint() - t1) / 1e6;
      const rssStartKiB = await rssKiB(d.pid);
      process.stderr.write(`bench: ${dimms} DIMMs: started in ${startMs.toFixed(0)} ms, listing...\n`);
      const l = await listings(d, staticRoot, runs, dimms < 1024);
      process.stderr.write(`bench: ${dimms} DIMMs: ioctl round trips...\n`);
      const ioctlUs = await ioctlRoundTrip(d);
      const updateMs = await firmwareUpdates(d, image, Math.min(runs, dimms));
      return { dimms, files, renderMs, startMs, rssStartKiB, rssAfterKiB: await rssKiB(d.pid), listings: l, ioctlUs, updateMs };
    });
  } finally {
    await rm(staticRoot, { recursive: true, force: true });
  }
}

function machine(): string {
  const cpu = cpus();
  const ndctl = (() => {
    try {
      return execFileSync('ndctl', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  return `${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}, ndctl ${ndctl}`;
}

function report(results: readonly SizeResult[]): string {
  const lines: string[] = [];
  const ratio = (r: ListingResult) => `${median(r.ratios).toFixed(2)} (${quantile(r.ratios, 0.25).toFixed(2)}–${quantile(r.ratios, 0.75).toFixed(2)})`;
  lines.push(`Machine: ${machine()}`, '');
  lines.push('| DIMMs | command | ndsim | static copy | ndsim/static | same output |', '|---:|---|---:|---:|---:|:---:|');
  for (const s of results)
    for (const l of s.listings)
      lines.push(`| ${s.dimms} | \`${l.command}\` | ${formatMs(summarize(l.ndsim))} | ${formatMs(summarize(l.static))} | ${ratio(l)} | ${l.sameOutput ? 'yes' : 'NO'} |`);
  lines.push('', '| DIMMs | files in tree | render | daemon start | RSS after start | RSS after bench | ioctl round trip (µs, median of 10,000; p10–p90) | 1 MiB update-firmware |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of results)
    lines.push(
      `| ${s.dimms} | ${s.files} | ${s.renderMs.toFixed(0)} ms | ${s.startMs.toFixed(0)} ms | ${(s.rssStartKiB / 1024).toFixed(0)} MiB | ${(s.rssAfterKiB / 1024).toFixed(0)} MiB | ` +
        `${s.ioctlUs.median.toFixed(1)} (${s.ioctlUs.p10.toFixed(1)}–${s.ioctlUs.p90.toFixed(1)}) | ${formatMs(summarize(s.updateMs), 0)} |`,
    );
  lines.push('', 'Times are medians with the interquartile range in brackets; ratios are medians of per-pair ratios (each ndsim run against the static run that follows it).');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'ndsim-bench-img-'));
  try {
    const image = join(work, 'firmware.img');
    await writeFile(image, Buffer.alloc(1 << 20, 0xa5));
    const results: SizeResult[] = [];
    for (const n of o.sizes) {
      try {
        results.push(await benchSize(n, n >= 1024 ? o.runsLarge : o.runs, image));
      } catch (e) {
        // The sizes already measured are still worth their table.
        process.stderr.write(`bench: ${n} DIMMs failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      }
    }
    process.stdout.write(report(results));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
