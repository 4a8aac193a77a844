/**
 * Benchmark `editor`: opens a 300-node / 400-edge flow in the production build in headless
 * Chromium and measures the time until it is interactive (`openInteractiveMs`) and the frame rate
 * while dragging one node (`dragFps`). Starts its own embedded PostgreSQL (temp dir) and `next
 * start`; the editor needs neither Temporal nor the worker. Stops everything afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import postgres from 'postgres';
import { ensureDatabase, projectRoot, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import buildForE2e from '../../tests/setup/e2e-build';
import { getFreePort } from '../supervisor/ports';

const NODES = 300;
const EDGES = 400;
const RUNS = 5;

const lit = (value: unknown) => ({ kind: 'literal', value });

/** A layered DAG: a webhook, then Filter / Transform / Continue If steps, 400 edges, all forward. */
export function bigFlow(id: string) {
  const types = ['core.filter', 'core.transform', 'core.continue-if'] as const;
  const nodes = [{ id: 'n0', type: 'core.webhook-trigger', typeVersion: 1, label: 'Webhook', config: {} }];
  for (let i = 1; i < NODES; i++) {
    const type = types[i % 3] as (typeof types)[number];
    const config =
      type === 'core.transform'
        ? { mappings: lit([{ target: `f${i}`, source: { kind: 'expr', source: '$lowercase(email)' } }]) }
        : { conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) };
    nodes.push({ id: `n${i}`, type, typeVersion: 1, label: `Step ${i}`, config });
  }
  const port = (i: number) => (i === 0 ? 'main' : nodes[i]?.type === 'core.filter' ? 'kept' : 'main');
  const edges: { id: string; from: { node: string; port: string }; to: { node: string; port: string } }[] = [];
  for (let i = 1; i < NODES; i++) edges.push({ id: `e${edges.length}`, from: { node: `n${i - 1}`, port: port(i - 1) }, to: { node: `n${i}`, port: 'main' } });
  for (let i = 0; edges.length < EDGES; i++) {
    const from = i % (NODES - 3);
    edges.push({ id: `e${edges.length}`, from: { node: `n${from}`, port: port(from) }, to: { node: `n${from + 3}`, port: 'main' } });
  }
  const layout = Object.fromEntries(nodes.map((n, i) => [n.id, { x: (i % 20) * 300, y: Math.floor(i / 20) * 130 }]));
  return { schemaVersion: 1, id, name: 'Bench 300', nodes, edges, layout };
}

async function waitForHttp(url: string, deadline: number) {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function openOnce(page: Page, url: string): Promise<number> {
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="flow-node"]').length >= n, 50, { timeout: 60_000 });
  // Interactive: the main thread answers a frame and a task after the first render.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  return Date.now() - started;
}

async function dragOnce(page: Page): Promise<number> {
  // Zoom in on one node first, so the drag grabs the node (not the pane) and moves it at a readable zoom.
  await page.locator('.react-flow__controls-zoomin').click({ clickCount: 3 });
  const card = page.locator('.react-flow__node').nth(25);
  const box = await card.boundingBox();
  if (!box) throw new Error('no node to drag');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  // A string, not a function: the bundler's helpers (e.g. __name) do not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const started = Date.now();
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) await page.mouse.move(x + Math.sin(i / 10) * 150, y + i, { steps: 1 });
  await page.mouse.up();
  const seconds = (Date.now() - started) / 1000;
  const frames = await page.evaluate<number>('(() => { window.__counting = false; return window.__frames; })()');
  return frames / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export default async function run(): Promise<{ figures: Record<string, number>; units: Record<string, string>; runs: number; notes: string }> {
  buildForE2e();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-editor-'));
  await chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'fsync=off'] });
  const port = await getFreePort();
  const databaseUrl = withDatabase(pg.url, 'bench');
  const next = spawn(path.join(projectRoot, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: projectRoot,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      SYNCLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
    },
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    await ensureDatabase(pg.url, 'bench');
    await migrateDatabase(databaseUrl);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/sign-in`, Date.now() + 90_000);
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 800 } })).newPage();
    await page.goto(`${url}/sign-up`);
    await page.getByLabel('Your name').fill('Bench');
    await page.getByLabel('Work email').fill('bench@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Bench');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL(`${url}/flows`);
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const flowId = crypto.randomUUID();
    const [ws] = await sql<{ id: string }[]>`select id from workspaces limit 1`;
    await sql`insert into flows (id, workspace_id, name, draft, webhook_token) values (${flowId}, ${ws!.id}, 'Bench 300', ${sql.json(bigFlow(flowId) as never)}, ${randomBytes(12).toString('hex')})`;
    await sql.end();
    const flowUrl = `${url}/flows/${flowId}`;
    await openOnce(page, flowUrl); // warm-up: compiles routes, fills caches
    const opens: number[] = [];
    const fps: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      opens.push(await openOnce(page, flowUrl));
      fps.push(await dragOnce(page));
    }
    return {
      figures: { openInteractiveMs: median(opens), dragFps: Math.round(median(fps) * 10) / 10 },
      units: { openInteractiveMs: 'ms', dragFps: 'frames/s' },
      runs: RUNS,
      notes: `median of ${RUNS} runs after 1 warm-up; ${NODES} nodes / ${EDGES} edges at 1366x800, production build, headless Chromium (software rendering); open = navigation until nodes are rendered and the main thread answers a frame; drag = rAF frames/s during 120 pointer moves; opens ms: ${opens.join(', ')}; fps: ${fps.map((f) => f.toFixed(1)).join(', ')}`,
    };
  } finally {
    await browser.close();
    if (next.pid) {
      try {
        process.kill(-next.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}
