import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { auditLog, memberships } from '../../../db/schema';
import { createTestDatabase } from '../../../tests/support/database';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import type { Role } from '../../../db/schema';
import { appRouter } from '.';

let database: { url: string; drop(): Promise<void> };
let handle: DbHandle;
let acme: string;
let globex: string;
const people: Record<'acmeAdmin' | 'acmeAnalyst' | 'acmeViewer' | 'globexAdmin', { id: string; email: string; name: string }> =
  {} as never;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const db = handle.db;
  people.acmeAdmin = await insertUser(db, 'Ada Admin');
  people.acmeAnalyst = await insertUser(db, 'Ana Analyst');
  people.acmeViewer = await insertUser(db, 'Vic Viewer');
  people.globexAdmin = await insertUser(db, 'Gus Globex');
  acme = await insertWorkspace(db, 'Acme', [
    { userId: people.acmeAdmin.id, role: 'admin' },
    { userId: people.acmeAnalyst.id, role: 'analyst' },
    { userId: people.acmeViewer.id, role: 'viewer' },
  ]);
  globex = await insertWorkspace(db, 'Globex', [{ userId: people.globexAdmin.id, role: 'admin' }]);
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

/** Every workspace-scoped procedure in the app, with the least role it needs (from its metadata). */
function workspaceProcedures(): { path: string; minimumRole: Role; type: string }[] {
  return Object.entries(appRouter._def.procedures).flatMap(([path, procedure]) => {
    const def = (procedure as unknown as { _def: { meta?: { minimumRole?: Role }; type: string } })._def;
    return def.meta?.minimumRole ? [{ path, minimumRole: def.meta.minimumRole, type: def.type }] : [];
  });
}

async function call(caller: ReturnType<typeof callerFor>, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `NOT_TRPC: ${String(error)}`;
  }
}

describe('workspace access', () => {
  it('audits a meaningful set of procedures', () => {
    const paths = workspaceProcedures().map((p) => p.path);
    expect(paths).toContain('members.invite');
    expect(paths).toContain('members.list');
  });

  it('refuses every procedure that needs more than viewer to a viewer, before looking at the input', async () => {
    const viewer = callerFor(handle.db, people.acmeViewer, acme);
    const guarded = workspaceProcedures().filter((p) => p.minimumRole !== 'viewer');
    expect(guarded.length).toBeGreaterThan(0);
    for (const procedure of guarded) {
      expect({ path: procedure.path, code: await codeOf(call(viewer, procedure.path, undefined)) }).toEqual({
        path: procedure.path,
        code: 'FORBIDDEN',
      });
    }
  });

  it('refuses admin procedures to an analyst', async () => {
    const analyst = callerFor(handle.db, people.acmeAnalyst, acme);
    for (const procedure of workspaceProcedures().filter((p) => p.minimumRole === 'admin')) {
      expect({ path: procedure.path, code: await codeOf(call(analyst, procedure.path, undefined)) }).toEqual({
        path: procedure.path,
        code: 'FORBIDDEN',
      });
    }
  });

  it("refuses every workspace procedure when the caller asks for a workspace that is not theirs", async () => {
    const outsider = callerFor(handle.db, people.globexAdmin, acme);
    for (const procedure of workspaceProcedures()) {
      expect({ path: procedure.path, code: await codeOf(call(outsider, procedure.path, undefined)) }).toEqual({
        path: procedure.path,
        code: 'FORBIDDEN',
      });
    }
  });

  it('refuses anonymous callers', async () => {
    const anonymous = callerFor(handle.db, null, acme);
    for (const procedure of workspaceProcedures()) {
      expect(await codeOf(call(anonymous, procedure.path, undefined))).toBe('UNAUTHORIZED');
    }
  });

  it("never returns another workspace's members", async () => {
    const list = await callerFor(handle.db, people.globexAdmin, globex).members.list();
    expect(list.map((m) => m.email)).toEqual([people.globexAdmin.email]);
    const acmeList = await callerFor(handle.db, people.acmeViewer, acme).members.list();
    expect(acmeList.map((m) => m.email).sort()).toEqual(
      [people.acmeAdmin.email, people.acmeAnalyst.email, people.acmeViewer.email].sort(),
    );
  });

  it("cannot change a member of another workspace, even as an admin", async () => {
    const globexAdmin = callerFor(handle.db, people.globexAdmin, globex);
    await expect(globexAdmin.members.changeRole({ userId: people.acmeViewer.id, role: 'admin' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(globexAdmin.members.remove({ userId: people.acmeViewer.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets an admin invite an existing user with a role, who joins only by accepting, audited, and refuses a duplicate', async () => {
    const admin = callerFor(handle.db, people.acmeAdmin, acme);
    const invited = await admin.members.invite({ email: people.globexAdmin.email, role: 'viewer' });
    expect(invited.role).toBe('viewer');
    expect(await codeOf(callerFor(handle.db, people.globexAdmin, acme).workspaces.current())).toBe('FORBIDDEN');
    await callerFor(handle.db, people.globexAdmin, null).invitations.accept({ invitationId: invited.invitationId });
    await expect(admin.members.invite({ email: people.globexAdmin.email, role: 'viewer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const audit = await handle.db.select().from(auditLog);
    expect(audit.some((row) => row.action === 'member.joined' && row.targetId === people.globexAdmin.id)).toBe(true);
    // The outsider is now a viewer of Acme: viewer procedures work, analyst ones do not.
    const nowViewer = callerFor(handle.db, people.globexAdmin, acme);
    expect((await nowViewer.workspaces.current()).role).toBe('viewer');
  });

  it('keeps at least one admin in a workspace', async () => {
    const globexAdmin = callerFor(handle.db, people.globexAdmin, globex);
    await expect(globexAdmin.members.changeRole({ userId: people.globexAdmin.id, role: 'viewer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const rows = await handle.db.select().from(memberships);
    expect(rows.find((m) => m.workspaceId === globex && m.userId === people.globexAdmin.id)?.role).toBe('admin');
  });

  it('creates a workspace with its creator as admin', async () => {
    const viewer = callerFor(handle.db, people.acmeViewer, null);
    const created = await viewer.workspaces.create({ name: 'Vic’s sandbox' });
    expect(created.role).toBe('admin');
    const mine = await viewer.workspaces.mine();
    expect(mine.map((w) => w.name)).toEqual(['Acme', 'Vic’s sandbox']);
  });

  it('rejects a blank workspace name with a field message', async () => {
    const viewer = callerFor(handle.db, people.acmeViewer, null);
    await expect(viewer.workspaces.create({ name: '   ' })).rejects.toThrow(/name/i);
  });
});
