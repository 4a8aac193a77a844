'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../_lib/trpc/react';
import { schemaFreshness } from './schema-freshness';

const UUID = /^[0-9a-f-]{36}$/i;

/** Whether the signed-in user builds flows (viewers get no schema look-ups). */
function useCanEdit(): boolean {
  const trpc = useTRPC();
  const list = useQuery(trpc.connections.list.queryOptions(undefined, { staleTime: 30_000 }));
  return list.data !== undefined && list.data.role !== 'viewer';
}

/** The objects of a connection (tables, declared objects), for object pickers. */
export function useConnectionObjects(connectionId: string | undefined) {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  return useQuery({
    ...trpc.connectionSchema.objects.queryOptions({ connectionId: connectionId ?? '' }, schemaFreshness),
    enabled: canEdit && !!connectionId && UUID.test(connectionId),
  });
}

/** The fields of one object of a connection, with their types, for field pickers. */
export function useObjectFields(connectionId: string | undefined, objectType: string | undefined) {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  return useQuery({
    ...trpc.connectionSchema.fields.queryOptions({ connectionId: connectionId ?? '', objectType: objectType ?? '' }, schemaFreshness),
    enabled: canEdit && !!connectionId && UUID.test(connectionId) && !!objectType,
  });
}

/** Reads an object's fields again from the system (discovered fields: custom properties added since). */
export function useRefreshFields() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (connectionId: string, objectType: string) => {
    const fresh = await queryClient.fetchQuery(trpc.connectionSchema.fields.queryOptions({ connectionId, objectType, refresh: true }, { staleTime: 0 }));
    queryClient.setQueryData(trpc.connectionSchema.fields.queryKey({ connectionId, objectType }), fresh);
    await queryClient.invalidateQueries({ queryKey: trpc.connectionSchema.objects.queryKey({ connectionId }) });
  };
}
