import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthCard } from '../../_components/auth-card';
import { isFirstRun } from '../../_server/first-run';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  if (await isFirstRun()) redirect('/sign-up');
  return (
    <AuthCard
      title="Sign in to Syncline"
      subtitle={
        <>
          New here?{' '}
          <Link href="/sign-up" className="font-medium text-brand-600 hover:text-brand-700">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm />
    </AuthCard>
  );
}
