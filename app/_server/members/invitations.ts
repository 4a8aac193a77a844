import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, memberships, users, workspaceInvitations, workspaces, type Role } from '../../../db/schema';
import { ConflictError, NotFoundError } from '../../../domain/platform/errors';

/**
 * Membership with consent: an admin invites an e-mail address with a role; only the invitee, signed in
 * with that address, can accept (or decline), in the app or through the invitation link. The answer to
 * an invitation is the same whether the address has an account or not, so inviting reveals nothing.
 * The link's token is shown once and stored as its SHA-256 hash.
 */

/** How long an invitation can be accepted. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

type Actor = { workspaceId: string; userId: string };
type Invitee = { id: string; email: string };
/** An invitation named by its id (the in-app prompt) or by its link's token. */
export type InvitationRef = { invitationId?: string | undefined; token?: string | undefined };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function inviteMember(db: Db, actor: Actor, input: { email: string; role: Role }, now = new Date()) {
  const email = input.email.toLowerCase();
  // Members are listed to the admin anyway; this reveals nothing about accounts elsewhere.
  const [member] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, actor.workspaceId), sql`lower(${users.email}) = ${email}`));
  if (member) throw new ConflictError(`email: ${email} is already a member of this workspace.`);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
  return db.transaction(async (tx) => {
    // Inviting an address again renews its open invitation (new link, role and expiry).
    const [invitation] = await tx
      .insert(workspaceInvitations)
      .values({ workspaceId: actor.workspaceId, email, role: input.role, tokenHash: hashToken(token), invitedBy: actor.userId, createdAt: now, expiresAt })
      .onConflictDoUpdate({
        target: [workspaceInvitations.workspaceId, workspaceInvitations.email],
        targetWhere: sql`${workspaceInvitations.status} = 'pending'`,
        set: { role: input.role, tokenHash: hashToken(token), invitedBy: actor.userId, createdAt: now, expiresAt },
      })
      .returning({ id: workspaceInvitations.id });
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'member.invited',
      targetType: 'invitation',
      targetId: invitation!.id,
      details: { email, role: input.role },
    });
    return { invitationId: invitation!.id, email, role: input.role, expiresAt, invitePath: `/invitations/${token}` };
  });
}

/** Open invitations of a workspace (for its admins), expired ones included so they can be renewed. */
export function listWorkspaceInvitations(db: Db, workspaceId: string) {
  return db
    .select({ id: workspaceInvitations.id, email: workspaceInvitations.email, role: workspaceInvitations.role, createdAt: workspaceInvitations.createdAt, expiresAt: workspaceInvitations.expiresAt })
    .from(workspaceInvitations)
    .where(and(eq(workspaceInvitations.workspaceId, workspaceId), eq(workspaceInvitations.status, 'pending')))
    .orderBy(asc(workspaceInvitations.createdAt));
}

export async function revokeInvitation(db: Db, actor: Actor, invitationId: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(workspaceInvitations)
      .set({ status: 'revoked', respondedAt: now })
      .where(and(eq(workspaceInvitations.id, invitationId), eq(workspaceInvitations.workspaceId, actor.workspaceId), eq(workspaceInvitations.status, 'pending')))
      .returning({ email: workspaceInvitations.email });
    if (!revoked) throw new NotFoundError('That invitation');
    await tx.insert(auditLog).values({ workspaceId: actor.workspaceId, actorUserId: actor.userId, action: 'member.invitation-revoked', targetType: 'invitation', targetId: invitationId, details: { email: revoked.email } });
  });
}

/** The signed-in user's open invitations: the in-app prompt. */
export function invitationsFor(db: Db, invitee: Invitee, now = new Date()) {
  return db
    .select({ id: workspaceInvitations.id, workspaceName: workspaces.name, role: workspaceInvitations.role, invitedBy: users.name, expiresAt: workspaceInvitations.expiresAt })
    .from(workspaceInvitations)
    .innerJoin(workspaces, eq(workspaces.id, workspaceInvitations.workspaceId))
    .leftJoin(users, eq(users.id, workspaceInvitations.invitedBy))
    .where(and(eq(workspaceInvitations.email, invitee.email.toLowerCase()), eq(workspaceInvitations.status, 'pending'), gt(workspaceInvitations.expiresAt, now)))
    .orderBy(asc(workspaceInvitations.createdAt));
}

/** What the invitation link shows before anyone signs in: the token is the secret the link carries. */
export async function previewInvitation(db: Db, token: string, now = new Date()) {
  const [row] = await db
    .select({ email: workspaceInvitations.email, role: workspaceInvitations.role, status: workspaceInvitations.status, expiresAt: workspaceInvitations.expiresAt, workspaceName: workspaces.name })
    .from(workspaceInvitations)
    .innerJoin(workspaces, eq(workspaces.id, workspaceInvitations.workspaceId))
    .where(eq(workspaceInvitations.tokenHash, hashToken(token)));
  if (!row) throw new NotFoundError('That invitation');
  return { ...row, expired: row.expiresAt.getTime() <= now.getTime() };
}

/**
 * Accepts or declines an invitation addressed to the signed-in user. Someone else's invitation is
 * "not found" (whether it exists is nobody else's business); an expired or answered one says so.
 */
export async function answerInvitation(db: Db, invitee: Invitee, ref: InvitationRef, answer: 'accept' | 'decline', now = new Date()) {
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(workspaceInvitations)
      .where(ref.token ? eq(workspaceInvitations.tokenHash, hashToken(ref.token)) : eq(workspaceInvitations.id, ref.invitationId ?? ''))
      .for('update');
    if (!invitation || invitation.email !== invitee.email.toLowerCase()) throw new NotFoundError('That invitation');
    if (invitation.status !== 'pending') throw new ConflictError(`This invitation was already ${invitation.status}.`);
    if (invitation.expiresAt.getTime() <= now.getTime()) {
      throw new ConflictError(`This invitation expired on ${invitation.expiresAt.toISOString().slice(0, 10)}: ask an admin of the workspace to invite you again.`);
    }
    const status = answer === 'accept' ? 'accepted' : 'declined';
    await tx.update(workspaceInvitations).set({ status, respondedAt: now }).where(eq(workspaceInvitations.id, invitation.id));
    if (answer === 'accept') {
      await tx.insert(memberships).values({ workspaceId: invitation.workspaceId, userId: invitee.id, role: invitation.role }).onConflictDoNothing();
    }
    await tx.insert(auditLog).values({
      workspaceId: invitation.workspaceId,
      actorUserId: invitee.id,
      action: answer === 'accept' ? 'member.joined' : 'member.invitation-declined',
      targetType: 'user',
      targetId: invitee.id,
      details: { email: invitation.email, role: invitation.role, invitationId: invitation.id },
    });
    return { workspaceId: invitation.workspaceId, role: invitation.role, status };
  });
}
