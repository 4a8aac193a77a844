/**
 * The embedded PostgreSQL on a machine without generated locales (a fresh Debian has none): LANG and LC_*
 * unset and LOCPATH pointing at an empty folder, which hides every generated locale (en_US.UTF-8 included)
 * from initdb and postgres. A new cluster must initialise and start, and so must a cluster made before,
 * whose postgresql.conf names `lc_messages = 'en_US.UTF-8'`.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getFreePort } from '../scripts/supervisor/ports';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';

const LOCALE_VARIABLES = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_MESSAGES', 'LC_CTYPE', 'LC_COLLATE', 'LOCPATH'];
const saved = Object.fromEntries(LOCALE_VARIABLES.map((name) => [name, process.env[name]]));
let root: string;
let dataDir: string;
let running: EmbeddedPostgres | undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'syncline-locale-'));
  await chmod(root, 0o755); // as root, PostgreSQL runs as user "postgres" and must reach its data dir
  const noLocales = path.join(root, 'no-locales');
  await mkdir(noLocales);
  for (const name of LOCALE_VARIABLES) delete process.env[name];
  process.env.LOCPATH = noLocales;
  dataDir = path.join(root, 'pg');
});

afterAll(async () => {
  await running?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(root, { recursive: true, force: true });
});

async function startAndQuery(): Promise<{ initialised: boolean; messages: string; collation: string }> {
  running = await startEmbeddedPostgres({ dataDir, port: await getFreePort() });
  const sql = postgres(running.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ messages: string; collation: string }[]>`
      select current_setting('lc_messages') as messages, datlocale as collation from pg_database where datname = current_database()`;
    return { initialised: running.initialised, ...row! };
  } finally {
    await sql.end();
    await running.stop();
    running = undefined;
  }
}

it('initialises and starts a new cluster with no generated locale on the machine', async () => {
  expect(await startAndQuery()).toEqual({ initialised: true, messages: 'C', collation: 'C.UTF-8' });
}, 120_000);

it('starts a cluster made with lc_messages en_US.UTF-8 when that locale is missing', async () => {
  const conf = path.join(dataDir, 'postgresql.conf');
  const original = await readFile(conf, 'utf8');
  // What initdb --lc-messages=en_US.UTF-8 wrote into clusters made before the switch to C.
  await writeFile(conf, original.replace(/^lc_messages = C\b/m, "lc_messages = 'en_US.UTF-8'"));
  expect(await readFile(conf, 'utf8')).toContain("lc_messages = 'en_US.UTF-8'");

  expect(await startAndQuery()).toEqual({ initialised: false, messages: 'C', collation: 'C.UTF-8' });
  expect(await readFile(conf, 'utf8')).toMatch(/^lc_messages = 'C'/m); // rewritten once, in place
}, 120_000);
