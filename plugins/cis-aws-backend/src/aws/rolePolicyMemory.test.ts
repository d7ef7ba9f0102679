import { isWithinMaxAge, RolePolicyMemory } from './rolePolicyMemory';

const HOUR = 3_600_000;
const READ_AT = '2026-12-01T00:00:00.000Z';
const after = (ms: number) => new Date(Date.parse(READ_AT) + ms);
const roleArn = (i: number) => `arn:aws:iam::${500000000000 + i}:role/Delivery`;

describe('how long a read of role policy documents may be shown again', () => {
  it('always within three quarters of the maximum age, never at or past it', () => {
    for (let i = 0; i < 200; i++) {
      expect(
        isWithinMaxAge(roleArn(i), READ_AT, after(18 * HOUR - 1), 24 * HOUR),
      ).toBe(true);
      expect(
        isWithinMaxAge(roleArn(i), READ_AT, after(24 * HOUR), 24 * HOUR),
      ).toBe(false);
    }
  });

  it("spreads an organization's re-reads over the last quarter instead of one run", () => {
    const expiredAt20h = Array.from({ length: 200 }, (_, i) =>
      isWithinMaxAge(roleArn(i), READ_AT, after(20 * HOUR), 24 * HOUR),
    ).filter(within => !within).length;
    // A third of the quarter has passed: about a third of the roles are re-read now.
    expect(expiredAt20h).toBeGreaterThan(30);
    expect(expiredAt20h).toBeLessThan(110);
  });

  it('never with a maximum age of zero, an unreadable time or a time in the future', () => {
    expect(isWithinMaxAge(roleArn(1), READ_AT, after(1), 0)).toBe(false);
    expect(isWithinMaxAge(roleArn(1), 'yesterday', after(1), HOUR)).toBe(false);
    expect(isWithinMaxAge(roleArn(1), READ_AT, after(-1), HOUR)).toBe(false);
  });
});

describe('RolePolicyMemory', () => {
  const read = (readAt: string) => ({
    policies: [],
    readAt,
    decision: 'ALLOWED' as const,
    details: 'allowed',
  });
  const target = (i: number, logGroupArn: string | null = 'lg') => ({
    roleArn: roleArn(i),
    logGroupArn,
  });

  it('remembers per role and log group, and forgets the oldest past its bound', async () => {
    const memory = RolePolicyMemory.create({ maxEntries: 2 });
    memory.remember(target(1), read('1'));
    memory.remember(target(1, 'other'), read('2'));
    memory.remember(target(2), read('3'));
    expect(await memory.recall(target(1))).toBeUndefined();
    expect((await memory.recall(target(1, 'other')))?.readAt).toBe('2');
    expect((await memory.recall(target(2)))?.readAt).toBe('3');
  });

  it('asks the fallback once on a miss and keeps its answer; a failing fallback is a miss', async () => {
    let asked = 0;
    const memory = RolePolicyMemory.create({
      fallback: async t => {
        asked += 1;
        if (t.roleArn === roleArn(9)) throw new Error('database down');
        return read('stored');
      },
    });
    expect((await memory.recall(target(1)))?.readAt).toBe('stored');
    expect((await memory.recall(target(1)))?.readAt).toBe('stored');
    expect(asked).toBe(1);
    expect(await memory.recall(target(9))).toBeUndefined();
  });
});
