import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { Role } from '../../../db/schema';
import type { Context } from './context';

/**
 * tRPC root. Zod errors are flattened into `data.fieldErrors` so forms can show
 * each message next to its field; internal errors never reach the client with a stack.
 */
/** Procedure metadata: the least role a workspace procedure needs (read by tests that audit every procedure). */
export interface ProcedureMeta {
  minimumRole?: Role;
}

export const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: zodError ? describeZodError(zodError) : shape.message,
      data: { ...data, fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined },
    };
  },
});

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
