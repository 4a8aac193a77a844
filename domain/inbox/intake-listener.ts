/**
 * The webhook intake on plain `node:http`: `POST /api/hooks/<token>` is answered here, without the
 * Next.js request pipeline (which cost about 4 ms of CPU per delivery), and with group commit
 * (hook-store.ts `batchedHookStore`): deliveries that arrive together share one SELECT of their flows
 * and one multi-row INSERT, and each is answered 202 only after that COMMIT.
 *
 * Same answers, limits and errors as the Next.js route (`app/api/hooks/[token]/route.ts`, which
 * `next dev` still serves): both call `acceptWebhook` and `answerFor`.
 *
 *   const intake = createIntakeListener({ db, maxBodyBytes });
 *   http.createServer((req, res) => (intake.handles(req) ? intake.handle(req, res) : next(req, res)));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../db/client';
import type { Logger } from '../platform/logger';
import { acceptWebhook } from './accept-webhook';
import { noteRefusal } from './rejected-deliveries';
import { batchedHookStore, type HookStore } from './hook-store';
import { describeFailure } from './intake-db';
import { readNodeBodyWithLimit } from './read-body';
import { answerFor, batchedOutcomeLog, tooLargeAnswer, unexpectedAnswer, type WebhookAnswer } from './webhook-answer';

const HOOK_PATH = /^\/api\/hooks\/([^/?#]+)\/?(?:\?.*)?$/;

export interface IntakeListener {
  /** Whether the request is a webhook delivery (`POST /api/hooks/<token>`); anything else is not ours. */
  handles(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

function tokenOf(url: string | undefined): string | null {
  const raw = HOOK_PATH.exec(url ?? '')?.[1];
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not percent-encoded properly: no flow has such a token, so it answers 404
  }
}

// With its length given, the answer goes out in one write, not chunked (which costs both ends more).
function send(res: ServerResponse, answer: WebhookAnswer, extra: Record<string, string> = {}): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), ...extra }).end(answer.body);
}

export function createIntakeListener(options: { db: Db; maxBodyBytes: number; log: Logger; store?: HookStore }): IntakeListener {
  const store = options.store ?? batchedHookStore(options.db);
  const log = options.log;
  const logOutcome = batchedOutcomeLog(log);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const token = tokenOf(req.url) ?? '';
    const body = await readNodeBodyWithLimit(req, options.maxBodyBytes);
    if (!body.ok) {
      // The rest of the body is not read: close the connection rather than drain it.
      const answer = tooLargeAnswer(options.maxBodyBytes);
      await noteRefusal(options.db, log, { token, status: answer.status, reason: `The body is larger than the limit of ${options.maxBodyBytes} bytes.`, bodyBytes: null });
      send(res, answer, { connection: 'close' });
      return;
    }
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : (value?.[0] ?? null);
    };
    const outcome = await acceptWebhook(options.db, { token, body: body.text, idempotencyKey: header('idempotency-key'), header }, store);
    logOutcome(outcome);
    if (outcome.kind === 'rejected') {
      await noteRefusal(options.db, log, { token, status: outcome.status, reason: outcome.message, bodyBytes: Buffer.byteLength(body.text) });
    }
    send(res, answerFor(outcome));
  };

  return {
    handles: (req) => req.method === 'POST' && tokenOf(req.url) !== null,
    handle(req, res) {
      handle(req, res).catch((error: unknown) => {
        log.error({ reason: describeFailure(error) }, 'webhook intake failed');
        if (!res.headersSent) send(res, unexpectedAnswer());
        else res.destroy();
      });
    },
  };
}
