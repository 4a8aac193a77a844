import { describe, expect, it } from 'vitest';
import { ERASED, isPersonalField, personalFieldsOf, personalValuesOf, scrubJson } from './personal-data';

describe('erasing a person from stored JSON', () => {
  it('replaces their values as whole words, anywhere, case-insensitively, and leaves look-alikes alone', () => {
    const sample = { items: [{ note: 'Call ada LOVELACE about ada@example.com', other: 'Adams and Adaline' }], total: 1 };
    const out = scrubJson(sample, { values: ['Ada', 'Lovelace', 'ada@example.com'], keys: [] });
    expect(out).toEqual({ changed: true, value: { items: [{ note: `Call ${ERASED} ${ERASED} about ${ERASED}`, other: 'Adams and Adaline' }], total: 1 } });
    expect(scrubJson(sample, { values: ['Al'], keys: [] }).changed).toBe(false); // too short to match safely
  });

  it('erases every personal field of an object that carries one of their ids, whatever the values', () => {
    const record = { id: 'c-1', firstName: 'Augusta', email: 'old@example.com', phone: '+44 1', tier: 'gold', modifiedBy: 'svc-sync' };
    const out = scrubJson({ record, other: { id: 'c-2', firstName: 'Grace' } }, { values: [], keys: ['c-1'] });
    expect(out.value).toEqual({ record: { ...record, firstName: ERASED, email: ERASED, phone: ERASED }, other: { id: 'c-2', firstName: 'Grace' } });
  });

  it('knows personal fields by name, not who changed a record', () => {
    expect(['name', 'first_name', 'lastName', 'email', 'e-mail', 'phone', 'mobile', 'address'].every(isPersonalField)).toBe(true);
    expect(['modifiedBy', 'updated_by', 'tier', 'companyId', 'id'].some(isPersonalField)).toBe(false);
    const row = { id: 'x', firstName: 'Ada', lastName: 'Lovelace', email: null, support_tier: 'gold', updated_by: 'svc-sync' };
    expect(personalFieldsOf(row)).toEqual(['firstName', 'lastName', 'email']);
    expect(personalValuesOf(row)).toEqual(['Ada', 'Lovelace', 'Ada Lovelace']);
  });
});
