/**
 * `.data/` holds run payloads with personal data (Temporal's SQLite and its WAL), PostgreSQL's files
 * and the generated secrets: only the user who runs Syncline may read it. The supervisor creates it
 * 0700, tightens what an older version left readable (files 0600, folders 0700), and sets its own
 * umask to 077 before it spawns anything: children inherit the umask, so every file the Temporal dev
 * server (temporal.db, -wal, -shm), PostgreSQL, the worker or the web app creates later is 0600 too.
 *
 * One exception: run as root, the embedded PostgreSQL runs as the "postgres" user (it refuses root) and
 * must pass through `.data/` to reach `.data/postgres`, so `.data/` itself is 0711 then: others may
 * traverse it but not list it, and every file in it stays 0600.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Files and folders in `.data/` keep no group or other permission bits. */
const GROUP_AND_OTHER = 0o077;

/** Makes new files of this process and of every process it spawns from now on owner-only. Returns the previous umask. */
export function restrictNewFiles(): number {
  return process.umask(GROUP_AND_OTHER);
}

/** Creates `dir` (0700) or tightens it and everything under it; symlinks are left alone. */
export async function secureDataDir(dir: string, runsAsRoot = process.getuid?.() === 0): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await tighten(dir);
  if (runsAsRoot) await fs.chmod(dir, 0o711);
}

async function tighten(target: string): Promise<void> {
  const stat = await fs.lstat(target);
  if (stat.isSymbolicLink()) return;
  if ((stat.mode & GROUP_AND_OTHER) !== 0) await fs.chmod(target, stat.mode & 0o700);
  if (!stat.isDirectory()) return;
  // Under a folder only its owner can enter, nothing below is reachable by others, whatever its bits;
  // the walk still tightens each entry so that moving it elsewhere keeps it private.
  for (const entry of await fs.readdir(target)) await tighten(path.join(target, entry));
}
