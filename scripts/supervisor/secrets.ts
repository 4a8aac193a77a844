/**
 * Secrets generated on first start into the data folder (mode 0600), unless given in the environment:
 *   .data/encryption.key -> SYNCLINE_ENCRYPTION_KEY (32 random bytes, base64; AES-256-GCM key)
 *   .data/auth-secret    -> BETTER_AUTH_SECRET      (32 random bytes, base64)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface SecretFile {
  envVar: string;
  file: string;
}

async function readOrCreate(file: string): Promise<{ value: string; created: boolean }> {
  try {
    const value = (await fs.readFile(file, 'utf8')).trim();
    if (!value) throw new Error(`${file} is empty: delete it to generate a new secret.`);
    const st = await fs.stat(file);
    if ((st.mode & 0o077) !== 0) await fs.chmod(file, 0o600);
    return { value, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = randomBytes(32).toString('base64');
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreate(file); // a concurrent start won
    throw err;
  }
  return { value, created: true };
}

/**
 * Returns the env additions (only for variables that are not already set) and which files were created.
 */
export async function ensureSecrets(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ env: Record<string, string>; created: string[]; files: SecretFile[] }> {
  const files: SecretFile[] = [
    { envVar: 'SYNCLINE_ENCRYPTION_KEY', file: path.join(dataDir, 'encryption.key') },
    { envVar: 'BETTER_AUTH_SECRET', file: path.join(dataDir, 'auth-secret') },
  ];
  const out: Record<string, string> = {};
  const created: string[] = [];
  const used: SecretFile[] = [];
  for (const f of files) {
    if (env[f.envVar]?.trim()) continue;
    const { value, created: isNew } = await readOrCreate(f.file);
    out[f.envVar] = value;
    used.push(f);
    if (isNew) created.push(f.file);
  }
  return { env: out, created, files: used };
}
