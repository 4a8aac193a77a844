/**
 * Membership with consent (issue 13, item 3): admins invite, invitees accept or decline; inviting says
 * nothing about whether an address has an account; nobody else can accept an invitation.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { auditLog, memberships, users, workspaceInvitations } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import type { Context } from '../trpc/context';
import { createCaller } from '.';

let database: TestDatabase;
let handle: DbHandle;
let acme: string;
type Person = { id: string; email: string; name: string };
let admin: Person;
let bea: Person;
let olga: Person;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  admin = await insertUser(handle.db, 'Ada Admin');
  bea = await insertUser(handle.db, 'Bea Invitee');
  olga = await insertUser(handle.db, 'Olga Outsider');
  acme = await insertWorkspace(handle.db, 'Acme', [{ userId: admin.id, role: 'admin' }]);
  await insertWorkspace(handle.db, 'Olga’s', [{ userId: olga.id, role: 'admin' }]);
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const adminCaller = () => callerFor(handle.db, admin, acme);

/** A caller that records which workspace the procedure asked to remember (the cookie over HTTP). */
function invitee(user: Person) {
  const remembered: string[] = [];
  const context: Context = { db: handle.db, user, requestedWorkspaceId: null, rememberWorkspace: (id) => remembered.push(id) };
  return { caller: createCaller(context), remembered };
}

const tokenOf = (invitePath: string) => invitePath.replace('/invitations/', '');

async function membership(userId: string) {
  const [row] = await handle.db.select().from(memberships).where(and(eq(memberships.workspaceId, acme), eq(memberships.userId, userId)));
  return row;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('invitations', () => {
  it('answers an invitation the same way whether or not the address has an account, and adds nobody', async () => {
    const known = await adminCaller().members.invite({ email: bea.email, role: 'analyst' });
    const unknown = await adminCaller().members.invite({ email: 'nobody-yet@example.test', role: 'analyst' });
    const shape = (answer: typeof known) => ({ keys: Object.keys(answer).sort(), role: answer.role, lifetime: answer.expiresAt.getTime() - Date.now() > 6 * 86_400_000, path: /^\/invitations\/[\w-]{43}$/.test(answer.invitePath) });
    expect(shape(known)).toEqual(shape(unknown));
    expect(known.email).toBe(bea.email);
    expect(await membership(bea.id)).toBeUndefined();
    const pending = await adminCaller().members.invitations();
    expect(pending.map((p) => p.email).sort()).toEqual([bea.email, 'nobody-yet@example.test'].sort());
    const audit = await handle.db.select().from(auditLog).where(eq(auditLog.action, 'member.invited'));
    expect(audit.map((a) => a.targetId)).toEqual(expect.arrayContaining([known.invitationId, unknown.invitationId]));
  });

  it('lets the invitee see the invitation in the app and accept it: member with the role, landed in the workspace', async () => {
    const { caller, remembered } = invitee(bea);
    const mine = await caller.invitations.mine();
    expect(mine).toEqual([expect.objectContaining({ workspaceName: 'Acme', role: 'analyst', invitedBy: 'Ada Admin' })]);
    const joined = await caller.invitations.accept({ invitationId: mine[0]!.id });
    expect(joined).toMatchObject({ workspaceId: acme, role: 'analyst', status: 'accepted' });
    expect(remembered).toEqual([acme]);
    expect((await membership(bea.id))?.role).toBe('analyst');
    expect(await caller.invitations.mine()).toEqual([]);
    expect((await callerFor(handle.db, bea, acme).workspaces.current()).role).toBe('analyst');
    expect(await failure(caller.invitations.accept({ invitationId: mine[0]!.id }))).toMatchObject({ code: 'CONFLICT', message: 'This invitation was already accepted.' });
    const audit = await handle.db.select().from(auditLog).where(and(eq(auditLog.action, 'member.joined'), eq(auditLog.targetId, bea.id)));
    expect(audit).toHaveLength(1);
  });

  it('lets the invitee decline: no membership, and the invitation cannot be accepted afterwards', async () => {
    const carl = await insertUser(handle.db, 'Carl Decliner');
    await adminCaller().members.invite({ email: carl.email, role: 'viewer' });
    const { caller } = invitee(carl);
    const [invitation] = await caller.invitations.mine();
    expect(await caller.invitations.decline({ invitationId: invitation!.id })).toMatchObject({ status: 'declined' });
    expect(await membership(carl.id)).toBeUndefined();
    expect(await failure(caller.invitations.accept({ invitationId: invitation!.id }))).toMatchObject({ code: 'CONFLICT' });
    expect((await adminCaller().members.invitations()).map((p) => p.email)).not.toContain(carl.email);
  });

  it('refuses an expired invitation, by id and by link, and no longer shows it', async () => {
    const dora = await insertUser(handle.db, 'Dora Late');
    const invited = await adminCaller().members.invite({ email: dora.email, role: 'analyst' });
    await handle.db.update(workspaceInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(workspaceInvitations.id, invited.invitationId));
    const { caller } = invitee(dora);
    expect(await caller.invitations.mine()).toEqual([]);
    const byId = await failure(caller.invitations.accept({ invitationId: invited.invitationId }));
    expect(byId).toMatchObject({ code: 'CONFLICT' });
    expect(byId.message).toMatch(/expired on \d{4}-\d{2}-\d{2}: ask an admin/);
    expect(await failure(caller.invitations.accept({ token: tokenOf(invited.invitePath) }))).toMatchObject({ code: 'CONFLICT' });
    expect((await callerFor(handle.db, null).invitations.preview({ token: tokenOf(invited.invitePath) })).expired).toBe(true);
    expect(await membership(dora.id)).toBeUndefined();
  });

  it("does not let an outsider accept or decline another person's invitation, by id or by link", async () => {
    const eve = await adminCaller().members.invite({ email: 'eve@example.test', role: 'admin' });
    const { caller } = invitee(olga);
    expect(await caller.invitations.mine()).toEqual([]);
    for (const attempt of [
      () => caller.invitations.accept({ invitationId: eve.invitationId }),
      () => caller.invitations.accept({ token: tokenOf(eve.invitePath) }),
      () => caller.invitations.decline({ invitationId: eve.invitationId }),
    ]) {
      expect(await failure(attempt())).toEqual({ code: 'NOT_FOUND', message: 'That invitation was not found.' });
    }
    expect(await membership(olga.id)).toBeUndefined();
    expect(await failure(callerFor(handle.db, null).invitations.accept({ token: tokenOf(eve.invitePath) }))).toMatchObject({ code: 'UNAUTHORIZED' });
    const [row] = await handle.db.select().from(workspaceInvitations).where(eq(workspaceInvitations.id, eve.invitationId));
    expect(row?.status).toBe('pending');
  });

  it('accepts through the link once the invitee signs up with the invited address; inviting again renews the link', async () => {
    const first = await adminCaller().members.invite({ email: 'fay@example.test', role: 'viewer' });
    const renewed = await adminCaller().members.invite({ email: 'FAY@example.test', role: 'analyst' });
    expect(renewed.invitationId).toBe(first.invitationId);
    const preview = await callerFor(handle.db, null).invitations.preview({ token: tokenOf(renewed.invitePath) });
    expect(preview).toMatchObject({ workspaceName: 'Acme', role: 'analyst', email: 'fay@example.test', status: 'pending', expired: false });
    expect(await failure(callerFor(handle.db, null).invitations.preview({ token: tokenOf(first.invitePath) }))).toMatchObject({ code: 'NOT_FOUND' });
    // Fay signs up only now, with the invited address.
    const fay = { id: randomUUID(), name: 'Fay', email: 'fay@example.test' };
    await handle.db.insert(users).values(fay);
    const { caller } = invitee(fay);
    expect(await failure(caller.invitations.accept({ token: tokenOf(first.invitePath) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await caller.invitations.accept({ token: tokenOf(renewed.invitePath) })).toMatchObject({ workspaceId: acme, role: 'analyst' });
    expect((await membership(fay.id))?.role).toBe('analyst');
  });

  it('refuses to invite someone who is already a member, naming the field', async () => {
    expect(await failure(adminCaller().members.invite({ email: admin.email, role: 'viewer' }))).toEqual({ code: 'CONFLICT', message: `email: ${admin.email} is already a member of this workspace.` });
  });

  it('lets an admin revoke an open invitation, after which the link is dead', async () => {
    const gus = await insertUser(handle.db, 'Gus Revoked');
    const invited = await adminCaller().members.invite({ email: gus.email, role: 'viewer' });
    await adminCaller().members.revokeInvitation({ invitationId: invited.invitationId });
    const { caller } = invitee(gus);
    expect(await caller.invitations.mine()).toEqual([]);
    expect(await failure(caller.invitations.accept({ token: tokenOf(invited.invitePath) }))).toMatchObject({ code: 'CONFLICT', message: 'This invitation was already revoked.' });
  });
});
