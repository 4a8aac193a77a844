/**
 * The real product for end-to-end tests: the production Next.js build (served by scripts/web-server.ts
 * with the webhook intake listener, as under `npm start`) and the Temporal worker, as separate processes
 * on a test database and the test Temporal server, each app on its own port and task queue.
 *
 *   const app = await startApp({ databaseUrl });   // beforeAll
 *   await page.goto(`${app.url}/sign-up`);
 *   await app.stop();                              // afterAll
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { projectRoot } from '../../db/embedded';
import { getFreePort } from '../../scripts/supervisor/ports';

export interface RunningApp {
  url: string;
  /** Process ids: the worker first, then the web server. */
  pids: number[];
  taskQueue: string;
  env: Record<string, string>;
  /** Output of both processes so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startApp(options: { databaseUrl: string; temporalAddress?: string; env?: Record<string, string> }): Promise<RunningApp> {
  // Tests get the shared test server from vitest; benchmarks pass their own.
  const temporalAddress = options.temporalAddress ?? (await import('./temporal')).temporalAddress();
  const port = await getFreePort();
  const taskQueue = `e2e-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    SYNCLINE_TASK_QUEUE: taskQueue,
    SYNCLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
    BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
    ...options.env,
  };
  let output = '';
  const children: ChildProcess[] = [];
  const launch = (command: string, args: string[]) => {
    const child = spawn(command, args, { cwd: projectRoot, env: env as NodeJS.ProcessEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.push(child);
  };
  const bin = (name: string) => path.join(projectRoot, 'node_modules', '.bin', name);
  // SYNCLINE_PROFILE_WORKER=<dir>, SYNCLINE_PROFILE_WEB=<dir>: that process writes a V8 CPU profile there when it exits.
  const profiled = (dir: string | undefined) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
  launch(bin('tsx'), [...profiled(process.env.SYNCLINE_PROFILE_WORKER), 'temporal/worker.ts']);
  // The web process of `npm start`: Next.js and the webhook intake listener on one port. Profiled, it runs
  // as `node --import tsx`: the tsx CLI's signal relay would SIGKILL it before the profile is written.
  const webServer = [path.join(projectRoot, 'scripts', 'web-server.ts'), '-p', String(port), '-H', '127.0.0.1'];
  if (process.env.SYNCLINE_PROFILE_WEB) launch(process.execPath, [...profiled(process.env.SYNCLINE_PROFILE_WEB), '--import', 'tsx', ...webServer]);
  else launch(bin('tsx'), webServer);

  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || !child.pid) return resolve();
            child.once('exit', () => resolve());
            try {
              process.kill(-child.pid, 'SIGTERM');
            } catch {
              resolve();
            }
            setTimeout(() => {
              try {
                process.kill(-child.pid!, 'SIGKILL');
              } catch {
                /* already gone */
              }
            }, 15_000).unref();
          }),
      ),
    );
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const exited = children.find((child) => child.exitCode !== null);
    if (exited) {
      await stop();
      throw new Error(`The app exited while starting:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      const health = (await res.json()) as { temporal?: { workerPolling?: boolean } };
      if (res.status === 200 && health.temporal?.workerPolling) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The app did not become healthy within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pids: children.map((c) => c.pid ?? 0), taskQueue, env, logs: () => output, stop };
}
