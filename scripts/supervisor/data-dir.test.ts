import { mkdtempSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secureDataDir } from './data-dir';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the data folder', () => {
  it('is created owner-only (0700)', async () => {
    const data = path.join(mkdtempSync(path.join(os.tmpdir(), 'syncline-data-')), '.data');
    await secureDataDir(data, false);
    expect(modeOf(data)).toBe(0o700);
  });

  it('lets the postgres user pass through, not list, when Syncline runs as root', async () => {
    const data = path.join(mkdtempSync(path.join(os.tmpdir(), 'syncline-data-')), '.data');
    await secureDataDir(data, true);
    expect(modeOf(data)).toBe(0o711);
  });

  it('tightens what an older version left readable: files to 0600, folders to 0700', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'syncline-data-'));
    await fs.chmod(data, 0o755);
    await fs.writeFile(path.join(data, 'temporal.db'), 'x', { mode: 0o644 });
    await fs.writeFile(path.join(data, 'temporal.db-wal'), 'x', { mode: 0o666 });
    await fs.mkdir(path.join(data, 'run'), { mode: 0o755 });
    await fs.writeFile(path.join(data, 'run', 'supervisor.json'), '{}', { mode: 0o644 });
    await fs.chmod(path.join(data, 'temporal.db-wal'), 0o666);
    await secureDataDir(data, false);
    expect(modeOf(data)).toBe(0o700);
    expect(modeOf(path.join(data, 'temporal.db'))).toBe(0o600);
    expect(modeOf(path.join(data, 'temporal.db-wal'))).toBe(0o600);
    expect(modeOf(path.join(data, 'run'))).toBe(0o700);
    expect(modeOf(path.join(data, 'run', 'supervisor.json'))).toBe(0o600);
  });
});
