/**
 * The installation's own OAuth app of a system: a declaration may name environment variables for its
 * client id and secret (`clientFromEnvironment`); when both are set, admins connect without entering them.
 */
import type { AuthDeclaration } from './define-connector';

export function clientFromEnvironment(auth: Extract<AuthDeclaration, { tokenUrl: string }>, env: NodeJS.ProcessEnv = process.env): { id: string; secret: string } | null {
  const names = auth.clientFromEnvironment;
  const id = names ? env[names.clientId]?.trim() : '';
  const secret = names ? env[names.clientSecret]?.trim() : '';
  return id && secret ? { id, secret } : null;
}
