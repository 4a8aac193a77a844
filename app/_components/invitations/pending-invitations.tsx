'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';

/**
 * The in-app prompt: invitations addressed to the signed-in user's e-mail, each with Accept and
 * Decline. Accepting makes the joined workspace the current one. Renders nothing when none is open.
 */
export function PendingInvitations() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.invitations.mine.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.invitations.mine.queryKey() });
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: async () => {
        await refresh();
        router.push('/flows');
        router.refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const decline = useMutation(trpc.invitations.decline.mutationOptions({ onSuccess: refresh, onError: (error) => toast.error(error.message) }));
  if (!invitations.data?.length) return null;
  return (
    <section aria-label="Invitations" className="mb-6 space-y-2">
      {invitations.data.map((invitation) => (
        <div key={invitation.id} className="flex flex-wrap items-center gap-3 rounded-lg bg-brand-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-brand-600/30">
          <p className="flex-1">
            {invitation.invitedBy ?? 'An admin'} invited you to the workspace <strong>{invitation.workspaceName}</strong> as {invitation.role}.
          </p>
          <Button onClick={() => accept.mutate({ invitationId: invitation.id })} disabled={accept.isPending}>
            Accept
          </Button>
          <Button variant="ghost" onClick={() => decline.mutate({ invitationId: invitation.id })} disabled={decline.isPending}>
            Decline
          </Button>
        </div>
      ))}
    </section>
  );
}
