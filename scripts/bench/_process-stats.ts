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
 * CPU seconds (user + system) used so far by a process and its live descendants; with `reaped`, also by the
 * children it has waited for (PostgreSQL's backends of a pool that was closed before the measurement ends).
 */
export async function treeCpuSeconds(pid: number, options: { reaped?: boolean } = {}): Promise<number> {
  const own = await readFile(`/proc/${pid}/stat`, 'utf8')
    .then((stat) => {
      // Fields after the command name (which may hold spaces) start at ")": utime, stime, cutime, cstime are the 12th to 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12]) + (options.reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
    })
    .catch(() => 0);
  const nested = await Promise.all((await childrenOf(pid)).map((child) => treeCpuSeconds(child)));
  return own + nested.reduce((a, b) => a + b, 0);
}
