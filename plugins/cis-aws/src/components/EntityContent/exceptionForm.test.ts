import { ExceptionListItem } from '@cis-aws/plugin-cis-aws-common';
import {
  auditEventText,
  decisionBlocked,
  defaultRequestForm,
  endOfLocalDay,
  isOwnRequest,
  isRevocable,
  RequestForm,
  toCreateRequest,
  validateRequestForm,
  WHOLE_ACCOUNT,
} from './exceptionForm';

const NOW = new Date(2026, 10, 24, 9, 55); // Nov 24, 2026, local time
const TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';

const valid: RequestForm = {
  scope: WHOLE_ACCOUNT,
  reason: 'Rebuilt by PAY-2041',
  expiresOn: '2026-12-24',
  ticketUrl: '',
};

const pending: ExceptionListItem = {
  id: 'e1',
  accountId: '404455667788',
  trailArn: TRAIL,
  reason: 'r',
  state: 'PENDING',
  createdBy: 'user:default/barbara',
  createdAt: '2026-11-03T10:15:00.000Z',
  expiresAt: '2026-11-30T23:59:59.999Z',
  status: 'PENDING',
};

describe('the Request exception form', () => {
  it('defaults to the whole account and 30 days, and names no approver', () => {
    expect(defaultRequestForm(NOW)).toEqual({
      scope: WHOLE_ACCOUNT,
      reason: '',
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
    expect(validateRequestForm(valid, NOW)).toEqual({});
    // today is still valid: the exception lasts to the end of the day
    expect(
      validateRequestForm({ ...valid, expiresOn: '2026-11-24' }, NOW),
    ).toEqual({});
  });

  it('requires a reason, a future expiry and an http(s) ticket link', () => {
    expect(
      validateRequestForm(
        {
          ...valid,
          reason: '   ',
          expiresOn: '2026-11-23',
          ticketUrl: 'ftp://files.acme.example/SEC-1234',
        },
        NOW,
      ),
    ).toEqual({
      reason: 'Say why the failure should be accepted.',
      expiresOn: 'The expiry date must be in the future.',
      ticketUrl: 'A ticket link must be an http(s) URL.',
    });
    expect(validateRequestForm({ ...valid, expiresOn: '' }, NOW)).toEqual({
      expiresOn: 'Choose the last day the exception applies.',
    });
  });

  it('sends the trail only for a trail, and the ticket only when given, trimmed; never an approver', () => {
    expect(toCreateRequest(valid)).toEqual({
      reason: 'Rebuilt by PAY-2041',
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
});

describe('four eyes in the UI', () => {
  const approver = { entityRef: 'user:default/guest', approver: true };

  it('lets an approver decide another person’s pending request', () => {
    expect(decisionBlocked(pending, approver)).toBeUndefined();
  });

  it('blocks the requester, non-approvers, and what is not pending, saying why', () => {
    expect(
      decisionBlocked(
        { ...pending, createdBy: 'user:default/Guest' },
        approver,
      ),
    ).toBe(
      'You requested this exception: another approver must decide it (four eyes).',
    );
    expect(decisionBlocked(pending, { ...approver, approver: false })).toMatch(
      /Only members of the approver groups/,
    );
    expect(decisionBlocked({ ...pending, status: 'ACTIVE' }, approver)).toBe(
      'Only a pending request is decided.',
    );
    expect(isOwnRequest(pending, undefined)).toBe(false);
  });

  it('revokes what may still apply, withdraws what is pending, and leaves the rest', () => {
    expect(isRevocable(pending)).toBe(true);
    expect(isRevocable({ ...pending, status: 'ACTIVE' })).toBe(true);
    expect(isRevocable({ ...pending, status: 'REJECTED' })).toBe(false);
    expect(isRevocable({ ...pending, status: 'EXPIRED' })).toBe(false);
  });
});

describe('the audit trail in words', () => {
  const event = {
    exceptionId: 'e1',
    accountId: '404455667788',
    actor: 'user:default/alan',
    at: '2026-11-10T16:42:05.000Z',
  };

  it('words every action', () => {
    const items = [pending];
    const text = (action: string, more: object = {}) =>
      auditEventText(
        { ...event, action: action as never, details: {}, ...more },
        items,
      );
    expect(
      text('REVOKED', { details: { reason: 'Fixed' }, comment: 'Fixed' }),
    ).toBe('revoked the exception for trail payments-staging-trail: Fixed');
    expect(
      text('REQUESTED', { details: { expiresAt: '2026-11-30T23:59:59.999Z' } }),
    ).toMatch(
      /^requested the exception for trail payments-staging-trail until Nov 30, 2026/,
    );
    expect(text('APPROVED', { comment: 'OK until the migration' })).toBe(
      'approved the exception for trail payments-staging-trail: OK until the migration',
    );
    expect(text('REJECTED', { comment: 'Fix it' })).toBe(
      'rejected the exception for trail payments-staging-trail: Fix it',
    );
    expect(text('EXPIRED')).toBe(
      'recorded that the exception for trail payments-staging-trail expired',
    );
    expect(
      text('REMINDED', {
        details: {
          recipients: ['group:default/payments-team'],
          expiresAt: '2026-11-30T23:59:59.999Z',
        },
      }),
    ).toMatch(
      /^reminded the owners and approvers \(group:default\/payments-team\) that the exception for trail payments-staging-trail expires on Nov 30, 2026/,
    );
    expect(text('CREATED')).toBe(
      'granted the exception for trail payments-staging-trail (single step, before four eyes)',
    );
    expect(
      auditEventText({ ...event, action: 'REVOKED', details: {} }, []),
    ).toBe('revoked the exception e1');
  });
});
