import { InputError } from '@backstage/errors';
import {
  createExceptionSchema,
  evidenceQuerySchema,
  historyQuerySchema,
  parseInput,
} from './validation';

describe('date-time inputs', () => {
  const outOfRange = ['2026-11-24T00:00:00+99:00', '2026-11-24T00:00:00+24:00'];

  it.each(outOfRange)(
    'a history range from %s is a 400 naming the field, not a 500',
    value => {
      expect(() => parseInput(historyQuerySchema, { from: value })).toThrow(
        InputError,
      );
      expect(() => parseInput(historyQuerySchema, { to: value })).toThrow(
        /to: not a valid instant/,
      );
    },
  );

  it.each(outOfRange)('an evidence packet at %s is a 400', value => {
    expect(() => parseInput(evidenceQuerySchema, { at: value })).toThrow(
      /at: not a valid instant/,
    );
  });

  it.each(outOfRange)('an exception expiring at %s is a 400', value => {
    expect(() =>
      parseInput(createExceptionSchema, {
        reason: 'migration',
        expiresAt: value,
      }),
    ).toThrow(/expiresAt: not a valid instant/);
  });

  it('takes any offset Date understands', () => {
    expect(
      parseInput(historyQuerySchema, {
        from: '2026-11-24T00:00:00-12:00',
        to: '2026-11-26T00:00:00+14:00',
      }),
    ).toEqual({
      from: '2026-11-24T00:00:00-12:00',
      to: '2026-11-26T00:00:00+14:00',
    });
  });
});
