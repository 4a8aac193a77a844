'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { Button } from '../_components/button';
import { TextField } from '../_components/text-field';
import { useTRPC } from '../_lib/trpc/react';

export function CreateWorkspaceForm() {
  const router = useRouter();
  const trpc = useTRPC();
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      onSuccess: () => {
        router.push('/flows');
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ name: String(new FormData(event.currentTarget).get('workspace')) });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <TextField label="Workspace name" name="workspace" required />
      <Button type="submit" className="w-full" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create workspace'}
      </Button>
    </form>
  );
}
