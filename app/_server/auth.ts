import 'server-only';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { getDb, type Db } from '../../db/client';
import { accounts, sessions, users, verifications } from '../../db/schema';
import { env } from '../../domain/platform/env';

/**
 * Sign-in and sessions are better-auth's: scrypt password hashing, HTTP-only
 * session cookies and sessions stored in PostgreSQL. Syncline adds workspaces
 * and roles on top (see `trpc/procedures.ts`), never its own crypto.
 */
export function createAuth(db: Db) {
  return betterAuth({
    appName: 'Syncline',
    secret: env().BETTER_AUTH_SECRET,
    baseURL: env().BETTER_AUTH_URL,
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // Password guessing is slowed per client address: 10 sign-in or sign-up attempts a minute.
    rateLimit: {
      enabled: true,
      customRules: { '/sign-in/email': { window: 60, max: 10 }, '/sign-up/email': { window: 60, max: 10 } },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const cache = globalThis as unknown as { __synclineAuth?: Auth };

export function getAuth(): Auth {
  cache.__synclineAuth ??= createAuth(getDb());
  return cache.__synclineAuth;
}
