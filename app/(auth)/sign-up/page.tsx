import Link from 'next/link';
import { AuthCard } from '../../_components/auth-card';
import { isFirstRun } from '../../_server/first-run';
import { SignUpForm } from './sign-up-form';

export const dynamic = 'force-dynamic';

export default async function SignUpPage() {
  const firstRun = await isFirstRun();
  return firstRun ? (
    <AuthCard
      title="Welcome to Syncline"
      subtitle="Create the first administrator account and your workspace. You can invite your team afterwards."
    >
      <SignUpForm firstRun />
    </AuthCard>
  ) : (
    <AuthCard
      title="Create your account"
      subtitle={
        <>
          Already have one?{' '}
          <Link href="/sign-in" className="font-medium text-brand-600 hover:text-brand-700">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm firstRun={false} />
    </AuthCard>
  );
}
