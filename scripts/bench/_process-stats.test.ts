import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { treeCpuMs, treeCpuSeconds, treeRssMb } from './_process-stats';

// A process tree like a bench's: a parent whose child ran a helper that burned CPU and was waited for
// (reaped), as a worker's or Temporal's short-lived helpers are. The child stays alive afterwards.
const BURN_MS = 300;
const grandchild = `const start = process.cpuUsage(); while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1000 < ${BURN_MS}) {}`;
const child = `require('node:child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(grandchild)}]); console.log('burned'); setInterval(() => {}, 1000);`;
const parent = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000); process.on('SIGTERM', () => { c.kill(); process.exit(0); });`;

let tree: ChildProcess | undefined;
afterEach(() => {
  tree?.kill('SIGTERM');
  tree = undefined;
});

describe('process tree figures from /proc', () => {
  it('counts the CPU of a helper that a descendant waited for in treeCpuMs only (the durable and scale benches)', async () => {
    tree = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(tree.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toContain('burned');
    const pid = tree.pid!;

    const withEveryReaped = await treeCpuMs(pid);
    const liveOnly = (await treeCpuSeconds(pid)) * 1000;
    const withTopReaped = (await treeCpuSeconds(pid, { reaped: true })) * 1000;
    // The helper was reaped by the child, not by the tree's top process: only treeCpuMs sees it.
    expect(withEveryReaped - liveOnly).toBeGreaterThanOrEqual(BURN_MS - 50);
    expect(withTopReaped - liveOnly).toBeLessThan(BURN_MS - 50);
    expect(await treeRssMb(pid)).toBeGreaterThan(10); // two live Node processes
  });
});
