import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { running } from './_stop-on-signal';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A stand-in for a benchmark: it starts a detached child (its own process group, as the benches start
 * PostgreSQL, Temporal, the worker and the web app), which starts a grandchild, and prints both pids.
 */
const BENCH_LIKE = `
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onSignalStop, stopDescendantsOnSignal } from ${JSON.stringify(path.join(here, '_stop-on-signal.ts'))};
stopDescendantsOnSignal();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'stop-on-signal-test-'));
onSignalStop(async () => rmSync(tmp, { recursive: true }));
const child = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
// As a benchmark's client does when its server goes away mid-stop.
child.once('exit', () => Promise.reject(new Error('lost the connection')));
child.stdout.once('data', (grandchild) => console.log(JSON.stringify({ child: child.pid, grandchild: Number(String(grandchild).trim()), tmp })));
setInterval(() => {}, 1000);
`;

describe('stopDescendantsOnSignal', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`stops the detached processes a benchmark started when it gets ${signal}, cleans up after them, then exits ${code}`, async () => {
      const bench = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', BENCH_LIKE], { stdio: ['ignore', 'pipe', 'pipe'] });
      const started = await new Promise<{ child: number; grandchild: number; tmp: string }>((resolve, reject) => {
        bench.stdout.once('data', (line: Buffer) => resolve(JSON.parse(String(line)) as { child: number; grandchild: number; tmp: string }));
        bench.once('exit', (exit) => reject(new Error(`the bench-like process exited early (${exit})`)));
      });
      expect(running(started.child)).toBe(true);
      expect(running(started.grandchild)).toBe(true);

      const exited = new Promise<number | null>((resolve) => bench.once('exit', (exitCode) => resolve(exitCode)));
      bench.kill(signal);
      expect(await exited).toBe(code);
      expect(running(started.child)).toBe(false);
      expect(running(started.grandchild)).toBe(false);
      expect(existsSync(started.tmp)).toBe(false);
    }, 20_000);
  }
});
