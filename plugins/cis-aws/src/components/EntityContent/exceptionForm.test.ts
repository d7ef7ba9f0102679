import {
  auditEventText,
  defaultGrantForm,
  endOfLocalDay,
  GrantForm,
  toCreateRequest,
  validateGrantForm,
  WHOLE_ACCOUNT,
} from './exceptionForm';

const NOW = new Date(2026, 10, 24, 9, 55); // Nov 24, 2026, local time
const TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';

const valid: GrantForm = {
  scope: WHOLE_ACCOUNT,
  reason: 'Rebuilt by PAY-2041',
  approvedBy: 'user:default/alan',
  expiresOn: '2026-12-24',
  ticketUrl: '',
};

describe('the Grant exception form', () => {
  it('defaults to the whole account, the given approver and 30 days', () => {
    expect(defaultGrantForm('user:default/guest', NOW)).toEqual({
      scope: WHOLE_ACCOUNT,
      reason: '',
      approvedBy: 'user:default/guest',
      expiresOn: '2026-12-24',
      ticketUrl: '',
    });
  });

  it('reads a day as its last millisecond, and refuses days that do not exist', () => {
    expect(endOfLocalDay('2026-12-24')).toEqual(
      new Date(2026, 11, 24, 23, 59, 59, 999),
    );
    expect(endOfLocalDay('2026-02-31')).toBeUndefined();
    expect(endOfLocalDay('24/12/2026')).toBeUndefined();
    expect(endOfLocalDay('')).toBeUndefined();
  });

  it('accepts a complete form', () => {
    expect(validateGrantForm(valid, NOW)).toEqual({});
    // today is still valid: the exception lasts to the end of the day
    expect(
      validateGrantForm({ ...valid, expiresOn: '2026-11-24' }, NOW),
    ).toEqual({});
  });

  it('requires a reason and an approver, a future expiry and an http(s) ticket link', () => {
    expect(
      validateGrantForm(
        {
          ...valid,
          reason: '   ',
          approvedBy: '',
          expiresOn: '2026-11-23',
          ticketUrl: 'ftp://files.acme.example/SEC-1234',
        },
        NOW,
      ),
    ).toEqual({
      reason: 'Say why the failure is accepted.',
      approvedBy: 'Name who approved the exception.',
      expiresOn: 'The expiry date must be in the future.',
      ticketUrl: 'A ticket link must be an http(s) URL.',
    });
    expect(validateGrantForm({ ...valid, expiresOn: '' }, NOW)).toEqual({
      expiresOn: 'Choose the last day the exception applies.',
    });
  });

  it('sends the trail only for a trail, and the ticket only when given, trimmed', () => {
    expect(toCreateRequest(valid)).toEqual({
      reason: 'Rebuilt by PAY-2041',
      approvedBy: 'user:default/alan',
      expiresAt: new Date(2026, 11, 24, 23, 59, 59, 999).toISOString(),
    });
    expect(
      toCreateRequest({
        ...valid,
        scope: TRAIL,
        reason: ' Replaced ',
        ticketUrl: ' https://jira.acme.example/browse/PAY-2077 ',
      }),
    ).toMatchObject({
      trailArn: TRAIL,
      reason: 'Replaced',
      ticketUrl: 'https://jira.acme.example/browse/PAY-2077',
    });
  });

  it('words the audit trail', () => {
    const items = [
      {
        id: 'e1',
        accountId: '404455667788',
        trailArn: TRAIL,
        reason: 'r',
        approvedBy: 'a',
        createdAt: '2026-11-03T10:15:00.000Z',
        expiresAt: '2026-11-30T23:59:59.999Z',
        status: 'REVOKED' as const,
      },
    ];
    const event = {
      exceptionId: 'e1',
      accountId: '404455667788',
      actor: 'user:default/alan',
      at: '2026-11-10T16:42:05.000Z',
    };
    expect(
      auditEventText(
        { ...event, action: 'REVOKED', details: { reason: 'Fixed' } },
        items,
      ),
    ).toBe('revoked the exception for trail payments-staging-trail: Fixed');
    expect(
      auditEventText({ ...event, action: 'REVOKED', details: {} }, []),
    ).toBe('revoked the exception e1');
  });
});
