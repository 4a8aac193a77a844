import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, toCsv } from './csv';

describe('csv', () => {
  it('round-trips commas, quotes, newlines and neutralises formulas', () => {
    const text = toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['multi\nline', '=SUM(A1)']]);
    expect(parseCsv(text)).toEqual([['a', 'b'], ['x,y', 'say "hi"'], ['multi\nline', "'=SUM(A1)"]]);
  });
  it('names the line of an unclosed quote', () => {
    expect(() => parseCsv('a,b\n"oops,c\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\nx"y,c\n')).toThrow(/Line 2/);
  });
});
