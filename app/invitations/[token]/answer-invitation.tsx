'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { Button } from '../../_components/button';
import { useTRPC } from '../../_lib/trpc/react';

export function AnswerInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: () => {
        router.push('/flows');
        router.refresh();
      },
    }),
  );
  const decline = useMutation(trpc.invitations.decline.mutationOptions({ onSuccess: () => router.push('/flows') }));
  const error = accept.error ?? decline.error;
  return (
    <div className="space-y-4">
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <div className="flex gap-3">
        <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending || decline.isPending}>
          Accept
        </Button>
        <Button variant="ghost" onClick={() => decline.mutate({ token })} disabled={accept.isPending || decline.isPending}>
          Decline
        </Button>
      </div>
    </div>
  );
}
