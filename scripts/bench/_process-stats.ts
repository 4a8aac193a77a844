/** Memory and CPU of a process tree, read from /proc (Linux), for the benches that watch a worker or web process. */
import { readFile } from 'node:fs/promises';

/** The direct children of a process (from /proc; the main thread's, which is where Node spawns). */
export async function childrenOf(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return children.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Resident memory of a process and its descendants, in MB. */
export async function treeRssMb(pid: number): Promise<number> {
  const own = await readFile(`/proc/${pid}/status`, 'utf8')
    .then((status) => Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
    .catch(() => 0);
  const nested = await Promise.all((await childrenOf(pid)).map(treeRssMb));
  return own + nested.reduce((a, b) => a + b, 0);
}

/**
 * Clock ticks (1/100 s) of CPU (user + system) used so far by a process and its live descendants. `reaped`
 * also counts the children a process has waited for: `top` only those of `pid` itself (PostgreSQL's
 * backends of a pool that was closed before the measurement ends), `tree` those of every process in it.
 */
async function treeTicks(pid: number, reaped: 'none' | 'top' | 'tree'): Promise<number> {
  const own = await readFile(`/proc/${pid}/stat`, 'utf8')
    .then((stat) => {
      // Fields after the command name (which may hold spaces) start at ")": utime, stime, cutime, cstime are the 12th to 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]) + (reaped === 'none' ? 0 : Number(fields[13]) + Number(fields[14]));
    })
    .catch(() => 0);
  const nested = await Promise.all((await childrenOf(pid)).map((child) => treeTicks(child, reaped === 'tree' ? 'tree' : 'none')));
  return own + nested.reduce((a, b) => a + b, 0);
}

/** CPU seconds of a process and its live descendants; with `reaped`, also of the children it has waited for (see `treeTicks`). */
export async function treeCpuSeconds(pid: number, options: { reaped?: boolean } = {}): Promise<number> {
  return (await treeTicks(pid, options.reaped ? 'top' : 'none')) / 100;
}

/**
 * CPU ms of a process tree with every process's reaped children counted (the durable and scale benches:
 * a worker's or Temporal's short-lived helpers count too, as they always have in those figures).
 */
export async function treeCpuMs(pid: number): Promise<number> {
  return (await treeTicks(pid, 'tree')) * 10;
}
