import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldLabelPath } from './field-labels';
import { parseFieldPath } from './field-path';

const schema = z.object({
  connectionId: z.string().meta({ label: 'Write to' }),
  conditions: z.array(z.object({ field: z.string(), operator: z.string(), value: z.unknown().optional() })).meta({ label: 'Keep items matching' }),
  fields: z.array(z.object({ target: z.string(), sourcePath: z.string() })).meta({ label: 'Fields to write' }),
  matchBy: z
    .object({ naturalKey: z.object({ target: z.string(), sourcePath: z.string() }).optional().meta({ label: 'Otherwise match on' }) })
    .default({})
    .meta({ label: 'Match existing records by' }),
  retryCount: z.number().optional(),
});

describe('field paths in the words of the form', () => {
  it('splits a path into keys and list indexes', () => {
    expect(parseFieldPath('conditions[0].field')).toEqual(['conditions', 0, 'field']);
    expect(parseFieldPath('matchBy.naturalKey.sourcePath')).toEqual(['matchBy', 'naturalKey', 'sourcePath']);
  });

  it('names each key by its label and each list entry by its number', () => {
    expect(fieldLabelPath(schema, 'connectionId')).toBe('Write to');
    expect(fieldLabelPath(schema, 'conditions[0].field')).toBe('Keep items matching › condition 1 › field');
    expect(fieldLabelPath(schema, 'fields[2].sourcePath')).toBe('Fields to write › field 3 › source path');
    expect(fieldLabelPath(schema, 'matchBy.naturalKey.sourcePath')).toBe('Match existing records by › Otherwise match on › source path');
  });

  it('falls back to words for keys without a label, and never shows an empty name', () => {
    expect(fieldLabelPath(schema, 'retryCount')).toBe('Retry count');
    expect(fieldLabelPath(schema, 'somethingElseId')).toBe('Something else');
    expect(fieldLabelPath(schema, '')).toBe('Settings');
  });
});
