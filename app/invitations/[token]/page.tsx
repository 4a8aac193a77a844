import Link from 'next/link';
import { headers } from 'next/headers';
import { getDb } from '../../../db/client';
import { NotFoundError } from '../../../domain/platform/errors';
import { AuthCard } from '../../_components/auth-card';
import { getAuth } from '../../_server/auth';
import { previewInvitation } from '../../_server/members/invitations';
import { AnswerInvitation } from './answer-invitation';

export const dynamic = 'force-dynamic';

/** The invitation link: who is invited where; the invitee, signed in with the invited address, answers here. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await previewInvitation(getDb(), token).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  if (!invitation) {
    return (
      <AuthCard title="Invitation not found" subtitle="This link is not valid: it may have been renewed or revoked. Ask an admin of the workspace for a new one.">
        <Link href="/sign-in" className="text-sm font-medium text-brand-600 hover:text-brand-700">Go to sign-in</Link>
      </AuthCard>
    );
  }
  const title = `Join “${invitation.workspaceName}”`;
  const what = `${invitation.email} is invited as ${invitation.role}.`;
  if (invitation.status !== 'pending' || invitation.expired) {
    return (
      <AuthCard title={title} subtitle={`${what} This invitation ${invitation.expired && invitation.status === 'pending' ? 'has expired' : `was ${invitation.status}`}: ask an admin of the workspace to invite you again.`}>
        <Link href="/sign-in" className="text-sm font-medium text-brand-600 hover:text-brand-700">Go to sign-in</Link>
      </AuthCard>
    );
  }
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) {
    return (
      <AuthCard title={title} subtitle={`${what} Sign in, or create an account, with ${invitation.email}: the invitation then waits for you in the app.`}>
        <div className="flex gap-4 text-sm font-medium">
          <Link href="/sign-in" className="text-brand-600 hover:text-brand-700">Sign in</Link>
          <Link href="/sign-up" className="text-brand-600 hover:text-brand-700">Create an account</Link>
        </div>
      </AuthCard>
    );
  }
  if (session.user.email.toLowerCase() !== invitation.email) {
    return <AuthCard title={title} subtitle={`${what} You are signed in as ${session.user.email}: sign in with ${invitation.email} to answer it.`}>{null}</AuthCard>;
  }
  return (
    <AuthCard title={title} subtitle={what}>
      <AnswerInvitation token={token} />
    </AuthCard>
  );
}
