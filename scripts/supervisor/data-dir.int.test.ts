/**
 * The files the real Temporal dev server writes into `.data/` (its SQLite database and, in WAL mode,
 * the -wal and -shm files, which hold run payloads) are owner-only when it is started the way the
 * supervisor starts it: after `secureDataDir` and `restrictNewFiles` (issue 13, item 4).
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTemporalServer } from '../../tests/support/processes';
import { restrictNewFiles, secureDataDir } from './data-dir';

let temporal: Awaited<ReturnType<typeof startTemporalServer>> | undefined;
let previousUmask: number | undefined;

afterAll(async () => {
  await temporal?.stop();
  if (previousUmask !== undefined) process.umask(previousUmask);
});

describe('data at rest under npm start', () => {
  it('keeps temporal.db and its WAL and shared-memory files owner-only (0600) in a 0700 folder', async () => {
    const data = path.join(mkdtempSync(path.join(os.tmpdir(), 'syncline-data-')), '.data');
    await secureDataDir(data, false);
    previousUmask = restrictNewFiles();
    temporal = await startTemporalServer({ dbFile: path.join(data, 'temporal.db') });
    const files = ['temporal.db', 'temporal.db-wal', 'temporal.db-shm'].map((name) => path.join(data, name));
    expect(files.filter((file) => !existsSync(file))).toEqual([]);
    expect(Object.fromEntries(files.map((file) => [path.basename(file), (statSync(file).mode & 0o777).toString(8)]))).toEqual({
      'temporal.db': '600',
      'temporal.db-wal': '600',
      'temporal.db-shm': '600',
    });
    expect((statSync(data).mode & 0o777).toString(8)).toBe('700');
  });
});
