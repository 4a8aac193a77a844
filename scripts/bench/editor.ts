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

/**
 * Records long tasks from the very start of each document (an init script), so the open time can
 * be taken as "time to interactive": content on screen, then no long task for a quiet window.
 */
const LONG_TASK_RECORDER = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
})()`;

/** No long task for this long after the content is there: the editor answers input at once. */
const QUIET_WINDOW_MS = 500;

/**
 * Navigation start until interactive, in the page's own clock (performance.now() of the new
 * document): the nodes are measured and shown (React Flow hides unmeasured nodes) and the edges
 * drawn, and then the main thread stays free of long tasks for {@link QUIET_WINDOW_MS}. The end of
 * the last long task before that window (layout, validation, ...) is when it became interactive.
 */
export async function openOnce(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const contentAt = await page.waitForFunction(
    `(() => {
      const nodes = document.querySelectorAll('.react-flow__node');
      if (nodes.length === 0 || document.querySelectorAll('.react-flow__edge').length === 0) return false;
      for (const n of nodes) if (n.style.visibility === 'hidden') return false;
      return performance.now();
    })()`,
    undefined,
    { timeout: 60_000, polling: 'raf' },
  );
  const readyAt = (await contentAt.jsonValue()) as number;
  const lastLongTaskEnd = await page.waitForFunction(
    `(() => {
      const last = Math.max(0, ...window.__longTasks);
      return performance.now() - Math.max(last, ${readyAt}) >= ${QUIET_WINDOW_MS} ? last : false;
    })()`,
    undefined,
    { timeout: 60_000, polling: 100 },
  );
  return Math.round(Math.max(readyAt, (await lastLongTaskEnd.jsonValue()) as number));
}

/** Where a node is drawn (its transform), to check that the drag really moved it. */
const transformOf = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);

/**
 * Drags the node nearest the canvas centre along a wavy path (120 pointer moves) at the zoom the
 * editor opens with (the whole graph in view: every node and edge rendered, the worst case), and
 * returns the frames/s the page produced meanwhile (requestAnimationFrame callbacks). Fails if the
 * node did not move: a drag that grabbed the pane would measure panning instead.
 */
export async function dragOnce(page: Page): Promise<number> {
  const target = await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    const cx = canvas.left + canvas.width / 2, cy = canvas.top + canvas.height / 2;
    const centres = [...document.querySelectorAll('.react-flow__node')].map((el) => {
      const r = el.getBoundingClientRect();
      return { el, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    centres.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy));
    for (const c of centres) {
      const hit = document.elementFromPoint(c.x, c.y);
      if (hit && c.el.contains(hit) && !hit.closest('.react-flow__handle')) return { id: c.el.dataset.id, x: c.x, y: c.y };
    }
    return null;
  })()`) as { id: string; x: number; y: number } | null;
  if (!target) throw new Error('no node to drag in view');
  const before = await transformOf(page, target.id);
  // A string, not a function: the bundler's helpers (e.g. __name) do not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const started = Date.now();
  await page.mouse.move(target.x, target.y);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) await page.mouse.move(target.x + Math.sin(i / 10) * 150, target.y + i, { steps: 1 });
  await page.mouse.up();
  const seconds = (Date.now() - started) / 1000;
  const frames = await page.evaluate<number>('(() => { window.__counting = false; return window.__frames; })()');
  if ((await transformOf(page, target.id)) === before) throw new Error(`the drag did not move node ${target.id}`);
  return frames / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The production app on its own embedded PostgreSQL, signed in, with the big flow stored. */
export async function startEditorBench(): Promise<{ page: Page; flowUrl: string; stop: () => Promise<void> }> {
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
  const stop = async () => {
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
  };
  try {
    await ensureDatabase(pg.url, 'bench');
    await migrateDatabase(databaseUrl);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/sign-in`, Date.now() + 90_000);
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    await context.addInitScript(LONG_TASK_RECORDER);
    const page = await context.newPage();
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
    return { page, flowUrl: `${url}/flows/${flowId}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export default async function run(): Promise<{ figures: Record<string, number>; units: Record<string, string>; runs: number; notes: string }> {
  const { page, flowUrl, stop } = await startEditorBench();
  try {
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
      notes: `median of ${RUNS} runs after 1 warm-up; ${NODES} nodes / ${EDGES} edges at 1366x800, production build, headless Chromium (software rendering); open = navigation start until the nodes are measured and shown and the edges drawn, then no long task for ${QUIET_WINDOW_MS} ms (end of the last long task); drag = rAF frames/s while dragging the node nearest the canvas centre through 120 pointer moves at the opening zoom (whole graph in view); opens ms: ${opens.join(', ')}; fps: ${fps.map((f) => f.toFixed(1)).join(', ')}`,
    };
  } finally {
    await stop();
  }
}
