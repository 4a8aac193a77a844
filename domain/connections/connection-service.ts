/**
 * Connection management: create, update, rotate the secret, retire; every change audited in the
 * same transaction. What leaves this module never contains a secret: rows go through `adminView`,
 * which replaces the ciphertext with `secretSet`, and audit details list changed field NAMES only.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog, connections, externalIds, type Role } from '../../db/schema';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { checkSecret, isMysqlKind, isPostgresKind, mysqlPasswordTarget, parseSettings, redactDatabaseUrl, secretNeed, type ConnectionSettings, type MysqlSettings } from './kinds';
import type { CreateConnectionInput, UpdateConnectionInput } from './schemas';
import { encryptSecret, keyRingFromEnv } from './secret-box';
import { dropGrant, signInStatuses, type SignInStatus } from './oauth-grants';
import { flowsUsingConnection } from './usage';

export interface Actor {
  readonly workspaceId: string;
  readonly userId: string;
}

type Row = typeof connections.$inferSelect;

/** Days before `credentialExpiresAt` from which the UI warns. */
export const EXPIRY_WARNING_DAYS = 14;

/** Everything an admin may see about a connection: never the secret, only whether it is set; never a token, only the sign-in's status. */
export function adminView(row: Row, signIn: SignInStatus | null = null) {
  const { secretCiphertext, config, ...rest } = row;
  const expiresInDays = row.credentialExpiresAt ? Math.floor((row.credentialExpiresAt.getTime() - Date.now()) / 86_400_000) : null;
  return {
    ...rest,
    settings: config,
    secretSet: secretCiphertext !== null,
    /** OAuth sign-in ("Connect"): null until connected. */
    signIn,
    expiry: expiresInDays === null ? ('none' as const) : expiresInDays < 0 ? ('expired' as const) : expiresInDays <= EXPIRY_WARNING_DAYS ? ('soon' as const) : ('ok' as const),
    expiresInDays,
  };
}
export type ConnectionAdminView = ReturnType<typeof adminView>;

/** The list, shaped by role: admins everything (minus secrets), analysts what node pickers need, viewers names. */
export async function listConnections(db: Db, workspaceId: string, role: Role) {
  const rows = await db.select().from(connections).where(eq(connections.workspaceId, workspaceId)).orderBy(asc(connections.name));
  if (role === 'admin') {
    const signIns = await signInStatuses(db, workspaceId);
    return { role, connections: rows.map((row) => adminView(row, signIns.get(row.id) ?? null)) };
  }
  if (role === 'analyst') {
    return { role, connections: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, integrationIdentity: r.integrationIdentity })) };
  }
  return { role, connections: rows.map((r) => ({ id: r.id, name: r.name })) };
}

export async function getConnectionRow(db: Db, workspaceId: string, id: string): Promise<Row> {
  const [row] = await db.select().from(connections).where(and(eq(connections.id, id), eq(connections.workspaceId, workspaceId)));
  if (!row) throw new NotFoundError('That connection');
  return row;
}

function settingsOrThrow(kind: Row['kind'], settings: unknown): ConnectionSettings {
  const parsed = parseSettings(kind, settings);
  if (!parsed.ok) throw new InvalidInputError(parsed.message, 'settings');
  return parsed.value;
}

/** The admin's view of one connection, with its sign-in status. */
export async function connectionView(db: Db, workspaceId: string, id: string) {
  const row = await getConnectionRow(db, workspaceId, id);
  return adminView(row, (await signInStatuses(db, workspaceId)).get(id) ?? null);
}

/** A refresh token typed into a secret (JSON `{ clientSecret, refreshToken }`) replaces the stored sign-in. */
function carriesRefreshToken(secret: string | undefined): boolean {
  try {
    return typeof (JSON.parse(secret ?? '') as { refreshToken?: unknown }).refreshToken === 'string';
  } catch {
    return false;
  }
}

/**
 * Validates and encrypts a secret; for PostgreSQL also derives the redacted URL shown in the UI, for MySQL
 * the `user@host:port` the password is bound to (the credential guard: a changed host never gets it).
 */
function sealSecret(kind: Row['kind'], secret: string, settings: ConnectionSettings): { ciphertext: string; extraConfig: Record<string, unknown> } {
  const problem = checkSecret(kind, secret);
  if (problem) throw new InvalidInputError(problem, 'secret');
  const extraConfig = isPostgresKind(kind)
    ? { displayUrl: redactDatabaseUrl(secret.trim()) }
    : isMysqlKind(kind)
      ? { passwordFor: mysqlPasswordTarget(settings as MysqlSettings) }
      : {};
  return { ciphertext: encryptSecret(secret.trim(), keyRingFromEnv()), extraConfig };
}

function uniqueName<T>(promise: Promise<T>, name: string): Promise<T> {
  return promise.catch((error: unknown) => {
    const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') throw new ConflictError(`name: a connection named “${name}” already exists in this workspace.`);
    throw error;
  });
}

export async function createConnection(db: Db, actor: Actor, input: CreateConnectionInput) {
  const settings = settingsOrThrow(input.kind, input.settings);
  const need = secretNeed(input.kind, settings);
  const secret = input.secret?.trim() ? sealSecret(input.kind, input.secret, settings) : null;
  if (need.needed && !secret) throw new InvalidInputError(`secret: enter the ${need.label.toLowerCase()}.`, 'secret');
  return uniqueName(
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(connections)
        .values({
          workspaceId: actor.workspaceId,
          name: input.name,
          kind: input.kind,
          config: { ...settings, ...secret?.extraConfig },
          secretCiphertext: secret?.ciphertext ?? null,
          secretUpdatedAt: secret ? new Date() : null,
          integrationIdentity: input.integrationIdentity,
          owner: input.owner,
          description: input.description,
          scopes: input.scopes,
          credentialExpiresAt: input.credentialExpiresAt,
          allowPrivateNetwork: input.allowPrivateNetwork,
          createdBy: actor.userId,
          updatedBy: actor.userId,
        })
        .returning();
      if (!row) throw new Error('connection insert returned no row');
      await audit(tx, actor, 'connection.created', row.id, { name: row.name, kind: row.kind, secretSet: secret !== null });
      return adminView(row);
    }),
    input.name,
  );
}

export async function updateConnection(db: Db, actor: Actor, input: UpdateConnectionInput) {
  const existing = await getConnectionRow(db, actor.workspaceId, input.id);
  const settings = settingsOrThrow(existing.kind, input.settings);
  const secret = input.secret?.trim() ? sealSecret(existing.kind, input.secret, settings) : null;
  const need = secretNeed(existing.kind, settings);
  if (need.needed && !secret && !existing.secretCiphertext) throw new InvalidInputError(`secret: enter the ${need.label.toLowerCase()}.`, 'secret');
  if (isMysqlKind(existing.kind) && !secret && existing.config.passwordFor !== mysqlPasswordTarget(settings as MysqlSettings)) {
    throw new InvalidInputError('secret: enter the password again: the stored password is only sent to the user, host and port it was entered for.', 'secret');
  }
  const keptDisplay = isPostgresKind(existing.kind) && !secret ? { displayUrl: existing.config.displayUrl } : isMysqlKind(existing.kind) && !secret ? { passwordFor: existing.config.passwordFor } : {};
  const next = {
    name: input.name,
    config: { ...settings, ...keptDisplay, ...secret?.extraConfig },
    integrationIdentity: input.integrationIdentity,
    owner: input.owner,
    description: input.description,
    scopes: input.scopes,
    credentialExpiresAt: input.credentialExpiresAt,
    allowPrivateNetwork: input.allowPrivateNetwork,
  };
  const changed = Object.keys(next).filter((key) => JSON.stringify(next[key as keyof typeof next]) !== JSON.stringify(existing[key as keyof Row]));
  return uniqueName(
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(connections)
        .set({
          ...next,
          ...(secret ? { secretCiphertext: secret.ciphertext, secretUpdatedAt: new Date() } : {}),
          updatedBy: actor.userId,
          updatedAt: new Date(),
        })
        .where(and(eq(connections.id, input.id), eq(connections.workspaceId, actor.workspaceId)))
        .returning();
      if (!row) throw new NotFoundError('That connection');
      if (secret && carriesRefreshToken(input.secret)) await dropGrant(tx, { workspaceId: actor.workspaceId, connectionId: row.id });
      await audit(tx, actor, secret ? 'connection.updated+secret-replaced' : 'connection.updated', row.id, { name: row.name, changed });
      return adminView(row);
    }),
    input.name,
  );
}

export async function rotateConnectionSecret(db: Db, actor: Actor, input: { id: string; secret: string }) {
  const existing = await getConnectionRow(db, actor.workspaceId, input.id);
  const secret = sealSecret(existing.kind, input.secret, existing.config as ConnectionSettings);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(connections)
      .set({
        secretCiphertext: secret.ciphertext,
        secretUpdatedAt: new Date(),
        config: { ...existing.config, ...secret.extraConfig },
        updatedBy: actor.userId,
        updatedAt: new Date(),
      })
      .where(and(eq(connections.id, input.id), eq(connections.workspaceId, actor.workspaceId)))
      .returning();
    if (!row) throw new NotFoundError('That connection');
    if (carriesRefreshToken(input.secret)) await dropGrant(tx, { workspaceId: actor.workspaceId, connectionId: row.id });
    await audit(tx, actor, 'connection.secret-rotated', row.id, { name: row.name });
    return adminView(row);
  });
}

/** Deletes a connection and its mappings, unless a flow (draft or published version) still uses it. */
export async function retireConnection(db: Db, actor: Actor, id: string) {
  const existing = await getConnectionRow(db, actor.workspaceId, id);
  const usedBy = await flowsUsingConnection(db, actor.workspaceId, id);
  if (usedBy.length > 0) {
    throw new ConflictError(
      `“${existing.name}” is used by ${usedBy.length === 1 ? 'the flow' : `${usedBy.length} flows`} ${usedBy.map((f) => `“${f.name}”`).join(', ')}: change ${usedBy.length === 1 ? 'it' : 'them'} to use another connection first.`,
    );
  }
  return db.transaction(async (tx) => {
    const mappings = await tx
      .delete(externalIds)
      .where(and(eq(externalIds.workspaceId, actor.workspaceId), eq(externalIds.connectionId, id)))
      .returning({ id: externalIds.id });
    await tx.delete(connections).where(and(eq(connections.id, id), eq(connections.workspaceId, actor.workspaceId)));
    await audit(tx, actor, 'connection.retired', id, { name: existing.name, kind: existing.kind, mappingsDeleted: mappings.length });
    return { id, mappingsDeleted: mappings.length };
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function audit(tx: Tx, actor: Actor, action: string, targetId: string, details: Record<string, unknown>): Promise<void> {
  await tx.insert(auditLog).values({ workspaceId: actor.workspaceId, actorUserId: actor.userId, action, targetType: 'connection', targetId, details });
}
