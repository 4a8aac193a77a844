import { AuthCard } from '../_components/auth-card';
import { requireUser } from '../_server/session';
import { CreateWorkspaceForm } from './create-workspace-form';

export const dynamic = 'force-dynamic';

export default async function OnboardingPage() {
  const user = await requireUser();
  return (
    <AuthCard
      title="Create a workspace"
      subtitle={`You are signed in as ${user.email} but not a member of any workspace yet. Create one, or ask an admin to add you to theirs.`}
    >
      <CreateWorkspaceForm />
    </AuthCard>
  );
}
