import { describe, expect, it } from 'vitest';
import { runOutcome, type OutcomeInput } from './run-outcome';

type Step = OutcomeInput['trace'][number];
const step = (type: string, over: Partial<Step> = {}): Step => ({
  type,
  status: 'succeeded',
  itemsIn: 1,
  itemsOut: { main: 1 },
  outputSample: {},
  skipped: [],
  skippedCount: 0,
  ...over,
});
const hook = step('core.webhook-trigger');
const notReached = (type: string) => step(type, { status: 'skipped', itemsIn: 0, itemsOut: {} });

describe('runOutcome', () => {
  it('says failed for a failed run, whatever its steps did', () => {
    expect(runOutcome({ status: 'failed', trace: [hook, step('sync.upsert-record')] })).toBe('failed');
  });

  it('says written when a writing step received items', () => {
    const upsert = step('sync.upsert-record', { outputSample: { main: [{ upserted: { externalId: 'c1', created: true } }] } });
    expect(runOutcome({ status: 'succeeded', trace: [hook, upsert] })).toBe('written');
  });

  it('says unchanged when the target already held every value, or when only reads ran', () => {
    const same = step('sync.upsert-record', { outputSample: { main: [{ upserted: { externalId: 'c1', created: false, unchanged: true } }] } });
    expect(runOutcome({ status: 'succeeded', trace: [hook, same] })).toBe('unchanged');
    expect(runOutcome({ status: 'succeeded', trace: [hook, step('sync.lookup-external-id')] })).toBe('unchanged');
  });

  it('says filtered out when a Filter dropped the items or a Continue If stopped them on their data', () => {
    const dropped = step('core.filter', { itemsOut: { kept: 0, dropped: 1 } });
    expect(runOutcome({ status: 'succeeded', trace: [hook, dropped, notReached('sync.upsert-record')] })).toBe('filtered');
    const stopped = step('core.continue-if', { itemsOut: { main: 0 }, skipped: [{ index: 0, reason: 'status is "lead", not "customer"', json: {} }], skippedCount: 1 });
    expect(runOutcome({ status: 'succeeded', trace: [hook, stopped, notReached('sync.upsert-record')] })).toBe('filtered');
  });

  it('says echo when a loop guard stopped the integration’s own change', () => {
    const guard = step('core.continue-if', { itemsOut: { main: 0 }, skipped: [{ index: 0, reason: 'modifiedBy is the integration account svc-sync', json: {} }], skippedCount: 1 });
    expect(runOutcome({ status: 'succeeded', trace: [hook, guard, notReached('sync.upsert-record')] })).toBe('echo');
    // "is not the integration account" is a data condition, not an echo.
    const onlyOurs = step('core.continue-if', { itemsOut: { main: 0 }, skipped: [{ index: 0, reason: 'modifiedBy ("ann") is not the integration account svc-sync', json: {} }], skippedCount: 1 });
    expect(runOutcome({ status: 'succeeded', trace: [hook, onlyOurs] })).toBe('filtered');
  });

  it('lets a write win over items of the same run that were stopped', () => {
    const guard = step('core.continue-if', { skipped: [{ index: 1, reason: 'modifiedBy is the integration account svc-sync', json: {} }], skippedCount: 1 });
    expect(runOutcome({ status: 'succeeded', trace: [hook, guard, step('sync.upsert-record', { outputSample: { main: [{ upserted: { created: true } }] } })] })).toBe('written');
  });
});
