import {
  accountReasonCodes,
  accountReasonTitle,
  reasonExplanation,
  reasonTitle,
} from './reasonText';

describe('reasons in plain words', () => {
  it('gives a known code its title and explanation', () => {
    expect(reasonTitle('ROLE_CANNOT_WRITE')).toBe(
      'Role cannot write to the log group',
    );
    expect(reasonExplanation('NO_LOG_GROUP')).toBe(
      'The trail is not set up to send its events to any CloudWatch Logs log group.',
    );
  });

  it('shows an unknown code as itself, with no explanation', () => {
    expect(reasonTitle('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(reasonExplanation('SOMETHING_NEW')).toBeUndefined();
    expect(reasonTitle(undefined)).toBeUndefined();
  });

  it('explains an account failing because of its trails by the trails’ reasons', () => {
    const account = {
      reason: 'TRAIL_FAILED',
      trailReasons: ['NO_LOG_GROUP', 'NOT_LOGGING'],
    };
    expect(accountReasonCodes(account)).toEqual([
      'NO_LOG_GROUP',
      'NOT_LOGGING',
    ]);
    expect(accountReasonTitle(account)).toBe(
      'No log group configured; Trail is stopped',
    );
  });

  it('explains an account by its own reason otherwise', () => {
    expect(accountReasonTitle({ reason: 'NO_TRAILS', trailReasons: [] })).toBe(
      'No trails',
    );
    // Trail reasons do not replace an account-level reason like an incomplete inventory.
    expect(
      accountReasonCodes({
        reason: 'INCOMPLETE_INVENTORY',
        trailReasons: ['API_ERROR'],
      }),
    ).toEqual(['INCOMPLETE_INVENTORY']);
    expect(accountReasonTitle({})).toBeUndefined();
  });
});
