import type { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { aggregateEntity, combineEntityVerdicts } from './aggregateEntity';

const accounts = (...verdicts: Verdict[]) =>
  verdicts.map((verdict, i) => ({ accountId: `00000000000${i}`, verdict }));

describe('aggregateEntity', () => {
  it.each<[Verdict[], Verdict]>([
    [['PASS', 'EXEMPT', 'UNKNOWN', 'ERROR', 'FAIL'], 'FAIL'],
    [['PASS', 'EXEMPT', 'UNKNOWN', 'ERROR'], 'ERROR'],
    [['PASS', 'EXEMPT', 'UNKNOWN'], 'UNKNOWN'],
    [['PASS', 'EXEMPT'], 'EXEMPT'],
    [['PASS', 'PASS'], 'PASS'],
  ])(
    'an entity takes the worst of its accounts in the order FAIL, ERROR, UNKNOWN, EXEMPT, PASS: %j is %s',
    (verdicts, expected) => {
      expect(aggregateEntity(accounts(...verdicts)).verdict).toBe(expected);
    },
  );

  it('counts its accounts per verdict', () => {
    expect(aggregateEntity(accounts('PASS', 'PASS', 'FAIL')).counts).toEqual({
      PASS: 2,
      FAIL: 1,
      ERROR: 0,
      UNKNOWN: 0,
      EXEMPT: 0,
      NOT_MAPPED: 0,
    });
  });

  it('an entity with no mapped account is NOT_MAPPED, which is not PASS', () => {
    expect(aggregateEntity([])).toEqual({
      verdict: 'NOT_MAPPED',
      counts: {
        PASS: 0,
        FAIL: 0,
        ERROR: 0,
        UNKNOWN: 0,
        EXEMPT: 0,
        NOT_MAPPED: 1,
      },
      accounts: [],
    });
  });

  it('an account listed twice is counted once, with its worse verdict', () => {
    const result = aggregateEntity([
      { accountId: '1', verdict: 'PASS' },
      { accountId: '1', verdict: 'UNKNOWN' },
    ]);
    expect(result.accounts).toEqual([{ accountId: '1', verdict: 'UNKNOWN' }]);
    expect(result.counts.UNKNOWN).toBe(1);
    expect(result.counts.PASS).toBe(0);
  });
});

describe('combineEntityVerdicts', () => {
  it('a group takes the worst over its systems, counting unmapped systems apart', () => {
    const result = combineEntityVerdicts([
      aggregateEntity([{ accountId: '1', verdict: 'PASS' }]),
      aggregateEntity([{ accountId: '2', verdict: 'ERROR' }]),
      aggregateEntity([]),
    ]);
    expect(result.verdict).toBe('ERROR');
    expect(result.counts).toEqual({
      PASS: 1,
      FAIL: 0,
      ERROR: 1,
      UNKNOWN: 0,
      EXEMPT: 0,
      NOT_MAPPED: 1,
    });
  });

  it('an account shared by two systems of a group counts once', () => {
    const shared = { accountId: '1', verdict: 'FAIL' as const };
    const result = combineEntityVerdicts([
      aggregateEntity([shared]),
      aggregateEntity([shared, { accountId: '2', verdict: 'PASS' }]),
    ]);
    expect(result.counts.FAIL).toBe(1);
    expect(result.accounts).toHaveLength(2);
  });

  it('a group whose systems map no account is NOT_MAPPED', () => {
    const result = combineEntityVerdicts([
      aggregateEntity([]),
      aggregateEntity([]),
    ]);
    expect(result.verdict).toBe('NOT_MAPPED');
    expect(result.counts.NOT_MAPPED).toBe(2);
  });

  it('a group with nothing below it is NOT_MAPPED', () => {
    expect(combineEntityVerdicts([])).toMatchObject({
      verdict: 'NOT_MAPPED',
      counts: { NOT_MAPPED: 1 },
    });
  });
});
