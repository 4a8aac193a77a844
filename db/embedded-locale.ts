/**
 * The locale the embedded PostgreSQL runs with: one that every Linux has, so that `npm start` works on a
 * fresh machine with no generated locales (Debian ships none until `locale-gen`).
 *
 * - Collation and character classes come from PostgreSQL 17's built-in `C.UTF-8` provider (see initdb's
 *   flags in embedded-initdb.ts): they never depend on the operating system.
 * - Messages, numbers, money and time use the `C` locale, which is compiled into every libc. Server
 *   messages in `C` are the untranslated English ones, the same text `en_US.UTF-8` gave.
 * - The processes get `LC_ALL=C` instead of the caller's LANG/LC_*, which may name a locale that is absent.
 *
 * Clusters made before this (initdb `--lc-messages=en_US.UTF-8`) carry that value in postgresql.conf, and
 * PostgreSQL refuses to start when the named locale is missing ("configuration file contains errors",
 * and a `-c lc_messages=C` on the command line does not help: the file is validated anyway). So an existing
 * cluster's file is rewritten once to `C`, which changes no message text.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const LC_MESSAGES = 'C';

/** Our old initdb default, the only value we rewrite (a value an operator chose stays). */
const FORMER_LC_MESSAGES = /^(\s*lc_messages\s*=\s*)'en_US\.UTF-?8'/im;

/** Environment for initdb and postgres: PATH, a locale every libc has, and LOCPATH if the caller set one. */
export function postgresProcessEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    ...(process.env.LOCPATH ? { LOCPATH: process.env.LOCPATH } : {}),
  } as unknown as NodeJS.ProcessEnv; // NODE_ENV is not for PostgreSQL
}

/**
 * Rewrites `lc_messages = 'en_US.UTF-8'` to `'C'` in an existing cluster's postgresql.conf. Returns whether
 * it changed the file. The file keeps its owner and mode (written in place).
 */
export async function useBuiltInMessagesLocale(dataDir: string): Promise<boolean> {
  const file = path.join(dataDir, 'postgresql.conf');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return false;
  }
  if (!FORMER_LC_MESSAGES.test(text)) return false;
  await fs.writeFile(file, text.replace(FORMER_LC_MESSAGES, `$1'${LC_MESSAGES}'`));
  return true;
}
