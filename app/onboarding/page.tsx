import Link from 'next/link';
import { AuthCard } from '../_components/auth-card';
import { eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { memberships } from '../../db/schema';
import { requireUser } from '../_server/session';
import { PendingInvitations } from '../_components/invitations/pending-invitations';
import { CreateWorkspaceForm } from './create-workspace-form';

export const dynamic = 'force-dynamic';

export default async function OnboardingPage() {
  const user = await requireUser();
  const [membership] = await getDb().select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, user.id)).limit(1);
  return (
    <AuthCard
      title={membership ? 'Create another workspace' : 'Create a workspace'}
      subtitle={
        membership
          ? 'A workspace keeps its own flows, connections, mappings and runs. You will be its admin and can invite others.'
          : `You are signed in as ${user.email} but not a member of any workspace yet. Create one, or ask an admin to invite you to theirs (open invitations show above).`
      }
    >
      <PendingInvitations />
      <CreateWorkspaceForm />
      {membership && (
        // Reached from "+ New workspace" in the sidebar: a way back without creating one.
        <p className="mt-4 text-center text-sm">
          <Link href="/flows" className="text-slate-600 underline hover:text-slate-900">
            Back to your workspace
          </Link>
        </p>
      )}
    </AuthCard>
  );
}
