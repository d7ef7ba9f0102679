import {
  ACCOUNT_REASON_CODES,
  REASON_DESCRIPTIONS,
  TRAIL_REASON_CODES,
  VERDICTS,
  VERDICT_DESCRIPTIONS,
  WARNING_CODES,
  WARNING_DESCRIPTIONS,
  verdictSeverity,
  worstVerdict,
} from './verdicts';

describe('verdict severity', () => {
  it('orders verdicts FAIL, ERROR, UNKNOWN, EXEMPT, PASS from worst to best', () => {
    const sorted = [...VERDICTS].sort(
      (a, b) => verdictSeverity(b) - verdictSeverity(a),
    );
    expect(sorted).toEqual(['FAIL', 'ERROR', 'UNKNOWN', 'EXEMPT', 'PASS']);
  });

  it('the worst of some verdicts is the most severe', () => {
    expect(worstVerdict(['PASS', 'EXEMPT'])).toBe('EXEMPT');
    expect(worstVerdict(['UNKNOWN', 'ERROR', 'PASS'])).toBe('ERROR');
    expect(worstVerdict(new Set(['PASS', 'FAIL', 'ERROR'] as const))).toBe(
      'FAIL',
    );
  });

  it('no verdicts have no worst verdict, not PASS', () => {
    expect(worstVerdict([])).toBeUndefined();
  });
});

describe('texts the frontend shows', () => {
  it('every verdict, reason and warning has a title and a one-line explanation', () => {
    const all = [
      ...Object.values(VERDICT_DESCRIPTIONS),
      ...[...TRAIL_REASON_CODES, ...ACCOUNT_REASON_CODES].map(
        code => REASON_DESCRIPTIONS[code],
      ),
      ...WARNING_CODES.map(code => WARNING_DESCRIPTIONS[code]),
    ];
    for (const description of all) {
      expect(description.title.length).toBeGreaterThan(0);
      expect(description.explanation).toMatch(/^[A-Z].*\.$/);
      expect(description.explanation).not.toContain('\n');
    }
    expect(Object.keys(VERDICT_DESCRIPTIONS)).toEqual([
      ...VERDICTS,
      'NOT_MAPPED',
    ]);
  });

  it("keeps the contract's trail reason codes in the contract's order", () => {
    expect(TRAIL_REASON_CODES.slice(0, 11)).toEqual([
      'API_ERROR',
      'FOREIGN_ORG_TRAIL',
      'NO_LOG_GROUP',
      'NO_ROLE',
      'LOG_GROUP_NOT_FOUND',
      'ROLE_NOT_FOUND',
      'ROLE_NOT_TRUSTED',
      'ROLE_CANNOT_WRITE',
      'NOT_LOGGING',
      'NEVER_DELIVERED',
      'DELIVERY_STALE',
    ]);
  });
});
