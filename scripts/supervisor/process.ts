/**
 * Child processes under supervision: each runs in its own process group (detached), so a terminal's
 * Ctrl-C reaches only the supervisor, which then stops the children in order, group by group
 * (SIGTERM, then SIGKILL after a grace period), leaving no orphans behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive } from '../../db/embedded';
import { createLogger, type Color, type Logger } from './logs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  logger: Logger;
  child: ChildProcess;
  /** Resolves when the process exits (for any reason). */
  exited: Promise<ExitInfo>;
  running(): boolean;
  /** Whether `stop()` was called (an exit after that is not a crash). */
  stopping(): boolean;
  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the process group, now. */
  kill(): void;
}

export interface SpawnOptions {
  name: string;
  color: Color;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Extra handler for each output line (stdout and stderr). */
  onLine?: (line: string) => void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // no such group (all gone)
  }
}

/**
 * Whether any live (non-zombie) process is in process group `pgid`. On Linux this scans /proc, because
 * zombies (whose parent, e.g. a container's init, does not reap them) still answer `kill(-pgid, 0)`.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0 as unknown as NodeJS.Signals)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc: trust kill(0)
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      /* exited meanwhile */
    }
  }
  return false;
}

export function describeExit({ code, signal }: ExitInfo): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const logger = createLogger(options.name, options.color);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listeners = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    options.onLine?.(line);
    for (const l of listeners) l(line);
  };
  const out = logger.stream(onLine);
  const err = logger.stream(onLine);
  child.stdout!.on('data', (c: Buffer) => out.write(c));
  child.stderr!.on('data', (c: Buffer) => err.write(c));

  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (e) => {
      spawnError = e;
      logger.error(`could not start ${options.command}: ${e.message}`);
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => {
      out.flush();
      err.flush();
      resolve({ code, signal });
    });
  });
  let isStopping = false;
  let stopPromise: Promise<void> | undefined;
  const pid = child.pid ?? -1;

  const managed: ManagedProcess = {
    name: options.name,
    pid,
    logger,
    child,
    exited,
    running: () => child.exitCode === null && child.signalCode === null && !spawnError,
    stopping: () => isStopping,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined = undefined;
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          cleanup();
          resolve(line);
        };
        const cleanup = () => {
          listeners.delete(listener);
          clearTimeout(timer);
        };
        timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${options.name}: no output matching ${pattern} within ${Math.round(timeoutMs / 1000)}s`));
        }, timeoutMs);
        listeners.add(listener);
        void exited.then((info) => {
          cleanup();
          reject(new Error(`${options.name} ${describeExit(info)} before it was ready`));
        });
      });
    },
    stop(graceMs = 10_000) {
      isStopping = true;
      stopPromise ??= (async () => {
        if (pid <= 0) return;
        if (managed.running()) {
          signalGroup(pid, 'SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const done = await Promise.race([
            exited.then(() => true),
            new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
          ]);
          clearTimeout(timer);
          if (!done) {
            logger.log(`did not stop within ${Math.round(graceMs / 1000)}s; killing it`);
            signalGroup(pid, 'SIGKILL');
            await exited;
          }
        }
        // The leader is gone; make sure nothing else of its group lingers (e.g. a compiler child).
        if (groupAlive(pid)) {
          signalGroup(pid, 'SIGTERM');
          for (let i = 0; i < 30 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
          signalGroup(pid, 'SIGKILL');
        }
      })();
      return stopPromise;
    },
    kill() {
      isStopping = true;
      if (pid > 0) signalGroup(pid, 'SIGKILL');
    },
  };
  return managed;
}

/**
 * Calls `onGone` when whoever launched the supervisor goes away without signalling it: `npm start` runs
 * `sh -c "tsx scripts/start.ts"`, and a SIGTERM sent to npm alone (docker stop, systemd, a process
 * manager) kills npm and sh but reaches neither tsx nor us. We watch our parent and our process-group
 * leader when that is npm (started from a terminal, or as a container's PID 1).
 */
export function watchLaunchers(onGone: (why: string) => void): void {
  const parent = process.ppid;
  let leader: number | undefined;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    leader = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    // Only an npm leader: a script's shell that started us in the background may end before us on purpose.
    if (!/\bnpm\b|npm-cli/.test(readFileSync(`/proc/${leader}/cmdline`, 'utf8').replaceAll('\0', ' '))) leader = undefined;
  } catch {
    leader = undefined; // no /proc: parent check only
  }
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone(`its parent process (pid ${parent}) exited`);
    } else if (leader && leader !== process.pid && !isAlive(leader)) {
      clearInterval(timer);
      onGone(`the process that launched it (pid ${leader}, e.g. npm) exited`);
    }
  }, 1000);
  timer.unref();
}
