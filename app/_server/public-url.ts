import 'server-only';
import { env } from '../../domain/platform/env';

/** The address users reach the web app at (BETTER_AUTH_URL; `npm start` sets it), for links and OAuth redirect URLs. */
export function publicUrl(): string {
  const configured = env().BETTER_AUTH_URL?.trim().replace(/\/+$/, '');
  return configured || `http://localhost:${process.env.PORT ?? '3000'}`;
}
