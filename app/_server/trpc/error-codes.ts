import { TRPCError } from '@trpc/server';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';

/** Maps a domain error to its tRPC code; anything else passes through (a bug: reported as 500). */
export function toTrpcError(error: unknown): unknown {
  if (error instanceof NotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof ForbiddenError) return new TRPCError({ code: 'FORBIDDEN', message: error.message, cause: error });
  if (error instanceof ConflictError) return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (error instanceof InvalidInputError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  return error;
}
