'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '../../_components/button';
import { TextField } from '../../_components/text-field';
import { authClient } from '../../_lib/auth-client';
import { useTRPC } from '../../_lib/trpc/react';

type Step = 'account' | 'workspace' | 'demo' | 'opening';
const STEPS: { id: Step; label: string }[] = [
  { id: 'account', label: 'Creating your account' },
  { id: 'workspace', label: 'Creating your workspace' },
  { id: 'demo', label: 'Preparing the demo systems' },
  { id: 'opening', label: 'Opening Syncline' },
];

/** What sign-up is doing now, step by step, so the few seconds it takes never look stuck. */
function SignUpProgress({ step }: { step: Step }) {
  const at = STEPS.findIndex((s) => s.id === step);
  return (
    <ol role="status" aria-label="Sign-up progress" className="space-y-1 text-sm">
      {STEPS.map((s, i) => (
        <li key={s.id} className={i < at ? 'text-emerald-700' : i === at ? 'font-medium text-slate-900' : 'text-slate-400'}>
          <span aria-hidden="true" className="mr-1.5 inline-block w-3">
            {i < at ? '✓' : i === at ? '…' : '·'}
          </span>
          {s.label}
          {i < at ? ' (done)' : ''}
        </li>
      ))}
    </ol>
  );
}

/**
 * Sign-up creates the account, signs in, and creates the user's first workspace (they become its admin);
 * when the demo systems run alongside, it also creates the demo workspace and lands there.
 */
export function SignUpForm({ firstRun }: { firstRun: boolean }) {
  const router = useRouter();
  const trpc = useTRPC();
  const createWorkspace = useMutation(trpc.workspaces.create.mutationOptions());
  const ensureDemo = useMutation(trpc.demo.ensureWorkspace.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [step, setStep] = useState<Step>('account');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password'));
    if (password.length < 8) {
      setError('Choose a password of at least 8 characters.');
      return;
    }
    setPending(true);
    setStep('account');
    setError(null);
    const { error: failure } = await authClient.signUp.email({
      name: String(form.get('name')).trim(),
      email: String(form.get('email')).trim(),
      password,
    });
    if (failure) {
      setPending(false);
      setError(failure.message ?? 'Sign-up failed.');
      return;
    }
    try {
      setStep('workspace');
      await createWorkspace.mutateAsync({ name: String(form.get('workspace')) });
      setStep('demo');
      // With the demo systems running, land in the demo workspace (it becomes the current one).
      // Its failure must not block sign-up: the user's own workspace exists already.
      await ensureDemo.mutateAsync().catch(() => null);
      setStep('opening');
      router.push('/flows');
      router.refresh();
    } catch {
      setPending(false);
      router.push('/onboarding');
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label="Your name" name="name" autoComplete="name" required />
      <TextField label="Work email" name="email" type="email" autoComplete="email" required />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        required
      />
      <TextField
        label="Workspace name"
        name="workspace"
        defaultValue={firstRun ? 'My company' : ''}
        hint="Usually your company or team. Flows, connections and runs live in a workspace."
        required
      />
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : firstRun ? 'Create admin account' : 'Create account'}
      </Button>
      {pending && <SignUpProgress step={step} />}
    </form>
  );
}
