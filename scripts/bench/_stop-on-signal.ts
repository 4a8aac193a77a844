/**
 * Ctrl-C (or a kill) of `npm run bench` stops what the benchmark started. Benchmarks start PostgreSQL, the
 * Temporal dev server, the worker and the web app as detached children (each in its own process group, which
 * their own stop signals as a whole); a signal to the bench therefore never reaches them, and without this
 * they would keep running, holding ports and CPU, and skew the next measurement.
 */
import { readFileSync } from 'node:fs';
import { childrenOf } from './_process-stats';

/** Every descendant of `pid`, children before grandchildren. */
async function descendantsOf(pid: number): Promise<number[]> {
  const children = await childrenOf(pid);
  const nested = await Promise.all(children.map(descendantsOf));
  return [...children, ...nested.flat()];
}

/** Whether the process still runs (a zombie, dead but not yet reaped by its parent, does not). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to every descendant of `pid`, then SIGKILL to those still there after `graceMs`. */
async function stopDescendants(pid: number, graceMs = 5000): Promise<void> {
  const tree = await descendantsOf(pid);
  for (const child of tree) signal(child, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (tree.some(running) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const child of tree.filter(running)) signal(child, 'SIGKILL');
}

const afterStop: (() => Promise<unknown>)[] = [];

/** Work to do once the processes are stopped after a signal (a benchmark's temporary directory, say). */
export function onSignalStop(cleanup: () => Promise<unknown>): void {
  afterStop.push(cleanup);
}

/** On SIGINT or SIGTERM: stop this process's descendants, then exit as the signal would have (130 or 143). */
export function stopDescendantsOnSignal(): void {
  for (const [name, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(name, () => {
      process.stderr.write(`\n${name}: stopping the processes the benchmark started…\n`);
      // The benchmark's own code fails as its processes go away (lost connections): that must not end this
      // process before the stop is complete.
      const ignore = () => {};
      process.on('uncaughtException', ignore).on('unhandledRejection', ignore);
      void stopDescendants(process.pid)
        .then(() => Promise.allSettled(afterStop.map((cleanup) => cleanup())))
        .finally(() => process.exit(code));
    });
  }
}
