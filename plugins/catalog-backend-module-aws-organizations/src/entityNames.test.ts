import { accountEntityName, accountEntityNames, slugOf } from './entityNames';

describe('entity names of accounts', () => {
  it('is aws-<account name> for a name that already is a slug', () => {
    expect(
      accountEntityName({ id: '403344556677', name: 'payments-prod' }, false),
    ).toBe('aws-payments-prod');
  });

  it('lower-cases, turns runs of other characters into one dash and trims dashes', () => {
    expect(slugOf('  ACME Payments / Prod (EU)!  ', 59)).toBe(
      'acme-payments-prod-eu',
    );
    expect(slugOf('Café_Zürich', 59)).toBe('cafe-zurich');
  });

  it('never exceeds 63 characters, with or without the account id, and ends on a letter or digit', () => {
    const account = { id: '403344556677', name: `${'a'.repeat(57)} b c d e` };
    const plain = accountEntityName(account, false);
    const withId = accountEntityName(account, true);
    expect(plain.length).toBeLessThanOrEqual(63);
    expect(withId.length).toBeLessThanOrEqual(63);
    expect(withId.endsWith('-403344556677')).toBe(true);
    expect(plain).toMatch(/^[a-z0-9-]*[a-z0-9]$/);
    expect(withId).toMatch(/^aws-a+-403344556677$/);
  });

  it('falls back to the account id when the name has nothing usable', () => {
    expect(accountEntityName({ id: '403344556677', name: '日本' }, false)).toBe(
      'aws-403344556677',
    );
    expect(accountEntityName({ id: '403344556677' }, false)).toBe(
      'aws-403344556677',
    );
  });

  it('appends the account id to every account whose name collides, and only to those', () => {
    const names = accountEntityNames([
      { id: '111111111111', name: 'Sandbox' },
      { id: '222222222222', name: 'sandbox!' },
      { id: '333333333333', name: 'payments-prod' },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      '111111111111': 'aws-sandbox-111111111111',
      '222222222222': 'aws-sandbox-222222222222',
      '333333333333': 'aws-payments-prod',
    });
  });
});
