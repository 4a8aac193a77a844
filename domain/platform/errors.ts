import { TRPCError } from '@trpc/server';

/**
 * Domain errors thrown by handlers. One middleware maps them to tRPC codes, so
 * handlers never build `TRPCError`s by hand and messages stay user-facing.
 */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} was not found.`);
  }
}
export class ForbiddenError extends Error {}
export class ConflictError extends Error {}
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function toTrpcError(error: unknown): unknown {
  if (error instanceof NotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  if (error instanceof ForbiddenError) return new TRPCError({ code: 'FORBIDDEN', message: error.message, cause: error });
  if (error instanceof ConflictError) return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (error instanceof InvalidInputError) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  return error;
}
