'use client';

import { useMutation } from '@tanstack/react-query';
import { FlaskConical } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Button } from '../button';
import { useTRPC } from '../../_lib/trpc/react';

/**
 * "Create a demo workspace": the explicit way for a user to get a demo of their own (sign-up creates one
 * only for the installation's first user). Shown outside demo workspaces when the demo systems run.
 */
export function CreateDemoButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(
    trpc.demo.createWorkspace.mutationOptions({
      onSuccess: ({ warnings }) => {
        for (const warning of warnings) toast.warning(warning, { duration: 15_000 });
        router.push('/flows');
        router.refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Button variant="secondary" onClick={() => create.mutate()} disabled={create.isPending} data-testid="create-demo">
      <FlaskConical size={15} aria-hidden="true" /> {create.isPending ? 'Creating the demo…' : 'Create a demo workspace'}
    </Button>
  );
}
