import { isPermanentHttpFailure, parsePath, setAt, TransientError, UserError, type Item } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import { httpRequestNode } from './definition';

/** One request per item, in order; a failing status classifies the error (retry or not). */
export const httpRequestEffect = defineEffect(httpRequestNode, async ({ config, items, ctx, settings }, deps) => {
  const target = parsePath(config.responseField);
  if (!target.ok) throw new UserError(target.error, { field: 'responseField' });
  const main: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Item;
    const res = await deps.http.request({
      ...(config.connectionId ? { connectionId: config.connectionId } : {}),
      method: config.method,
      url: config.url,
      headers: config.headers,
      body: config.sendItemAsBody ? item.json : config.body,
      timeoutMs: settings.timeoutMs,
      idempotencyKey: `${ctx.idempotencyKey}:${i}`,
    });
    if (isPermanentHttpFailure(res.status)) throw new UserError(`${config.method} ${config.url} answered HTTP ${res.status}`);
    if (res.status >= 400 || res.status < 200) throw new TransientError(`${config.method} ${config.url} answered HTTP ${res.status}`);
    const json = setAt(item.json, target.value, { status: res.status, headers: res.headers, body: res.body });
    main.push({ json: json.ok ? json.value : item.json });
  }
  return { main };
});
