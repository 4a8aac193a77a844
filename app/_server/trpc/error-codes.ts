import { TRPCError } from '@trpc/server';
import { UserError } from '../../../flows-engine/index';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';

/**
 * Maps a failed procedure's error to the tRPC error the client gets. tRPC wraps whatever a handler
 * throws in an INTERNAL_SERVER_ERROR whose cause is the thrown error: a domain error there gets its
 * own code. Every other TRPCError (BAD_REQUEST from input validation, UNAUTHORIZED, FORBIDDEN from the
 * middleware) is kept as it is, so a ZodError of bad input is never turned into a 500. Anything else
 * is a bug: reported as 500.
 */
export function toTrpcError(error: TRPCError): TRPCError {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return error;
  const cause = error.cause;
  if (cause instanceof NotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
  if (cause instanceof ForbiddenError) return new TRPCError({ code: 'FORBIDDEN', message: cause.message, cause });
  if (cause instanceof ConflictError) return new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
  if (cause instanceof InvalidInputError) return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  if (cause instanceof UserError) return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  return error;
}

