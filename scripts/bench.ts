/**
 * Runs benchmarks: `npm run bench` runs every module in scripts/bench/, `npm run bench -- NAME`
 * runs one. Each module exports `default async function run(): Promise<BenchOutcome>`. Results go to
 * `bench-results/NAME.json` (see /work/shared/BENCH.md). A missed target never fails the command.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopDescendantsOnSignal } from './bench/_stop-on-signal';

/** What a benchmark module returns. */
export interface BenchOutcome {
  readonly figures: Record<string, number>;
  readonly units: Record<string, string>;
  readonly runs: number;
  readonly notes: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.join(here, 'bench');
const resultsDir = path.join(here, '..', 'bench-results');

async function main(): Promise<void> {
  stopDescendantsOnSignal();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const available = (await readdir(benchDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
  const names = wanted.length > 0 ? wanted : available;
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
    process.exitCode = 1;
    return;
  }
  await mkdir(resultsDir, { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
  };
  for (const name of names) {
    const mod = (await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href)) as { default: () => Promise<BenchOutcome> };
    console.log(`\n▶ ${name}`);
    const outcome = await mod.default();
    const result = { name, at: new Date().toISOString(), machine, ...outcome };
    await writeFile(path.join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.table(Object.entries(outcome.figures).map(([figure, value]) => ({ figure, value: Math.round(value * 100) / 100, unit: outcome.units[figure] ?? '' })));
    console.log(`${outcome.notes} → bench-results/${name}.json`);
  }
}

await main();
