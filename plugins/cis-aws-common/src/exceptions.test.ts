import {
  exceptionStatus,
  isExceptionActive,
  type ComplianceException,
} from './exceptions';

const now = new Date('2024-06-01T12:00:00.000Z');
const anException = (
  overrides: Partial<ComplianceException> = {},
): ComplianceException => ({
  id: 'exc-1',
  accountId: '111111111111',
  reason: 'Sandbox being decommissioned',
  state: 'APPROVED',
  createdBy: 'user:default/owner',
  createdAt: '2024-05-01T00:00:00.000Z',
  approvedBy: 'user:default/security-lead',
  approvedAt: '2024-05-01T00:00:00.000Z',
  expiresAt: '2024-07-01T00:00:00.000Z',
  ...overrides,
});

describe('isExceptionActive', () => {
  it('an approved exception is active until it expires', () => {
    expect(isExceptionActive(anException(), now)).toBe(true);
  });

  it('an expired exception stops applying on its own', () => {
    expect(
      isExceptionActive(
        anException({ expiresAt: '2024-06-01T11:59:59.999Z' }),
        now,
      ),
    ).toBe(false);
  });

  it('an exception is no longer active at the very instant it expires', () => {
    expect(
      isExceptionActive(anException({ expiresAt: now.toISOString() }), now),
    ).toBe(false);
  });

  it('a revoked exception stops applying from the moment of revocation', () => {
    expect(
      isExceptionActive(anException({ revokedAt: now.toISOString() }), now),
    ).toBe(false);
    expect(
      isExceptionActive(
        anException({ revokedAt: '2024-06-02T00:00:00.000Z' }),
        now,
      ),
    ).toBe(true);
  });

  it('an exception does not apply before it was approved', () => {
    expect(
      isExceptionActive(
        anException({ approvedAt: '2024-06-01T12:00:00.001Z' }),
        now,
      ),
    ).toBe(false);
  });

  it('a pending or rejected exception never applies', () => {
    expect(
      isExceptionActive(
        anException({
          state: 'PENDING',
          approvedBy: undefined,
          approvedAt: undefined,
        }),
        now,
      ),
    ).toBe(false);
    expect(
      isExceptionActive(
        anException({
          state: 'REJECTED',
          approvedBy: undefined,
          approvedAt: undefined,
          rejectedAt: '2024-05-02T00:00:00.000Z',
        }),
        now,
      ),
    ).toBe(false);
  });

  it('an approved exception without an approval time does not apply', () => {
    expect(isExceptionActive(anException({ approvedAt: undefined }), now)).toBe(
      false,
    );
  });

  it('an exception with an unreadable date does not apply: it must not hide a failure', () => {
    expect(
      isExceptionActive(anException({ expiresAt: 'next year' }), now),
    ).toBe(false);
    expect(isExceptionActive(anException({ revokedAt: 'never' }), now)).toBe(
      false,
    );
  });
});

describe('exceptionStatus', () => {
  const pending = anException({
    state: 'PENDING',
    approvedBy: undefined,
    approvedAt: undefined,
  });

  it('tells pending, active, expired, rejected and revoked apart', () => {
    expect(exceptionStatus(pending, now)).toBe('PENDING');
    expect(exceptionStatus(anException(), now)).toBe('ACTIVE');
    expect(
      exceptionStatus(anException({ expiresAt: now.toISOString() }), now),
    ).toBe('EXPIRED');
    expect(
      exceptionStatus(
        { ...pending, state: 'REJECTED', rejectedAt: '2024-05-02T00:00:00Z' },
        now,
      ),
    ).toBe('REJECTED');
    expect(
      exceptionStatus(anException({ revokedAt: '2024-05-20T00:00:00Z' }), now),
    ).toBe('REVOKED');
  });

  it('a request whose expiry passed undecided is EXPIRED', () => {
    expect(
      exceptionStatus({ ...pending, expiresAt: '2024-06-01T00:00:00Z' }, now),
    ).toBe('EXPIRED');
  });

  it('as of an earlier instant, a later decision is still pending', () => {
    const approvedLater = anException({ approvedAt: '2024-06-05T00:00:00Z' });
    expect(exceptionStatus(approvedLater, now)).toBe('PENDING');
    const rejectedLater = {
      ...pending,
      state: 'REJECTED' as const,
      rejectedAt: '2024-06-05T00:00:00Z',
    };
    expect(exceptionStatus(rejectedLater, now)).toBe('PENDING');
    expect(
      exceptionStatus(anException(), new Date('2024-04-01T00:00:00Z')),
    ).toBe('SCHEDULED');
  });
});
