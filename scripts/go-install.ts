/**
 * Building Temporal's Go binaries into the project cache (`${XDG_CACHE_HOME:-~/.cache}/syncline/<name>`):
 * `go install module@version` with GOBIN set to the cache folder, under a lock file so that two processes
 * (a test run and `npm start`) never build at once. Used by `temporal-cli.ts` (the dev server) and
 * `temporal-server.ts` (the production server and its schema tool).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `${XDG_CACHE_HOME:-~/.cache}/syncline/<name>` */
export function synclineCacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache');
  return path.join(base, 'syncline', name);
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in PATH (then `extraDirs`). */
export async function onPath(name: string, extraDirs: string[] = []): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The Go toolchain, when installed (also where its installer puts it when it is not on PATH). */
export function findGo(): Promise<string | undefined> {
  return onPath('go', ['/usr/local/go/bin', path.join(os.homedir(), 'go', 'bin')]);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface GoInstallRequest {
  go: string;
  /** The folder the binaries go to (GOBIN). */
  dir: string;
  /** Packages with their version, e.g. `go.temporal.io/server/cmd/server@v1.29.1` (one module: one build). */
  packages: string[];
  /** The binaries the build must leave in `dir`. */
  targets: string[];
  /** What is being built, for progress lines, e.g. "the Temporal CLI v1.5.1". */
  what: string;
  progress: (message: string) => void;
}

/** Builds `packages` into `dir` unless `targets` are there already (another process may have just built them). */
export async function goInstall(request: GoInstallRequest): Promise<void> {
  const { dir, targets, progress } = request;
  const built = async () => (await Promise.all(targets.map(isExecutable))).every(Boolean);
  await fs.mkdir(dir, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      if (!holder || !pidAlive(holder)) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build in process ${holder}`);
      progress(`another process (pid ${holder}) is building ${request.what}; waiting...`);
      await new Promise((r) => setTimeout(r, 10_000));
      if (await built()) return;
    }
  }
  try {
    if (await built()) return;
    progress(`building ${request.what} with ${request.go} (go install; the first build takes several minutes)`);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(request.go, ['install', ...request.packages], {
        env: { ...process.env, GOBIN: dir, GOFLAGS: process.env.GOFLAGS ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let last = '';
      let tail: string[] = [];
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          last = line;
          tail = [...tail.slice(-20), line];
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const timer = setInterval(() => {
        const secs = Math.round((Date.now() - started) / 1000);
        progress(`still building (${secs}s)${last ? `: ${last.slice(0, 120)}` : ''}`);
      }, 15_000);
      child.once('error', (err) => {
        clearInterval(timer);
        reject(err);
      });
      child.once('exit', (code) => {
        clearInterval(timer);
        if (code === 0) resolve();
        else reject(new Error(`exit code ${code}\n${tail.join('\n')}`));
      });
    });
    if (!(await built())) throw new Error(`go install succeeded but ${targets.join(' or ')} is missing`);
    progress(`built ${targets.join(', ')} in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    await fs.rm(lock, { force: true });
  }
}
