/**
 * `<data>/run/supervisor.json`: which supervisor runs, and its children's process groups.
 * It prevents two `npm start` on one data folder, and lets the next start clean up after a supervisor
 * that was killed with SIGKILL (its children would otherwise keep their ports).
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { groupAlive } from './process';
import { SupervisorError } from './ports';
import type { Logger } from './logs';

interface RunState {
  pid: number;
  startedAt: string;
  children: { name: string; pid: number; command: string }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

export class RunStateFile {
  readonly file: string;
  private state: RunState;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'run', 'supervisor.json');
    this.state = { pid: process.pid, startedAt: new Date().toISOString(), children: [] };
  }

  /** Refuse when another supervisor is alive; stop leftovers of a dead one; then claim the file. */
  async acquire(log: Logger): Promise<void> {
    let previous: RunState | undefined;
    try {
      previous = JSON.parse(await fs.readFile(this.file, 'utf8')) as RunState;
    } catch {
      previous = undefined;
    }
    if (previous && previous.pid !== process.pid && alive(previous.pid) && /start\.ts|supervisor/.test(cmdline(previous.pid) ?? 'start.ts')) {
      throw new SupervisorError(
        `Syncline is already running from this data folder (supervisor pid ${previous.pid}, started ${previous.startedAt}). Stop it first (Ctrl-C in its terminal, or kill ${previous.pid}).`,
      );
    }
    for (const child of previous?.children ?? []) {
      if (!groupAlive(child.pid)) continue;
      const cmd = cmdline(child.pid);
      if (cmd !== undefined && !cmd.includes(path.basename(child.command))) continue; // pid reused by something else
      log.log(`stopping leftover ${child.name} (process group ${child.pid}) from an earlier run that did not shut down`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      for (let i = 0; i < 100 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await this.write();
  }

  async addChild(name: string, pid: number, command: string): Promise<void> {
    this.state.children.push({ name, pid, command });
    await this.write();
  }

  async removeChild(pid: number): Promise<void> {
    this.state.children = this.state.children.filter((c) => c.pid !== pid);
    await this.write();
  }

  async release(): Promise<void> {
    await this.writing.catch(() => {});
    await fs.rm(this.file, { force: true });
  }

  private writing: Promise<void> = Promise.resolve();

  /** Writes are serialised (they share one temp file) and atomic (rename). */
  private write(): Promise<void> {
    const json = JSON.stringify(this.state, null, 2);
    this.writing = this.writing
      .catch(() => {})
      .then(async () => {
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await fs.writeFile(tmp, json);
        await fs.rename(tmp, this.file);
      });
    return this.writing;
  }
}
