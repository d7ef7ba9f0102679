import { isExceptionActive, type ComplianceException } from './exceptions';

const now = new Date('2024-06-01T12:00:00.000Z');
const anException = (
  overrides: Partial<ComplianceException> = {},
): ComplianceException => ({
  id: 'exc-1',
  accountId: '111111111111',
  reason: 'Sandbox being decommissioned',
  approvedBy: 'user:default/security-lead',
  createdAt: '2024-05-01T00:00:00.000Z',
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

  it('an exception does not apply before it was created', () => {
    expect(
      isExceptionActive(
        anException({ createdAt: '2024-06-01T12:00:00.001Z' }),
        now,
      ),
    ).toBe(false);
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
