import { z } from 'zod';

/**
 * Input schemas several routers share. A field that a handler checks further (a draft, a flow file)
 * is still typed here, so a wrong type is refused as bad input naming the field, never reaching the
 * handler (and never a 500).
 */

/** A JSON object whose shape the handler validates itself (a draft is lenient, a flow file is imported). */
export const jsonObject = (what: string) => z.record(z.string(), z.unknown(), { error: `expected ${what} (a JSON object).` });
