import {
  accountEntities,
  AccountEntityContext,
  isActiveAccount,
  OrganizationAccount,
} from './accountEntities';

const CTX: AccountEntityContext = {
  organizationId: 'o-acme12345',
  namespace: 'default',
  ownerTag: 'owner',
  systemTag: 'system',
  unownedOwner: 'group:default/unowned-aws-accounts',
};

const account = (
  id: string,
  name: string,
  tags: Record<string, string> = {},
  status = 'ACTIVE',
): OrganizationAccount => ({ id, name, status, tags });

describe('accountEntities', () => {
  it('makes a tagged account a cloud-account Resource owned by its owner tag, in its system tag', () => {
    const { entities, warnings, unowned } = accountEntities(
      [
        account('403344556677', 'payments-prod', {
          owner: 'group:default/payments-team',
          system: 'system:default/payments',
          'cost-center': '42',
        }),
      ],
      CTX,
    );
    expect(warnings).toEqual([]);
    expect(unowned).toEqual([]);
    expect(entities).toEqual([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'aws-payments-prod',
          namespace: 'default',
          title: 'payments-prod (403344556677)',
          description:
            'AWS account 403344556677 of organization o-acme12345, from AWS Organizations.',
          annotations: {
            'amazonaws.com/account-id': '403344556677',
            'backstage.io/managed-by-location': 'aws-organizations:o-acme12345',
            'backstage.io/managed-by-origin-location':
              'aws-organizations:o-acme12345',
            'cis-aws.io/account-status': 'ACTIVE',
          },
        },
        spec: {
          type: 'cloud-account',
          owner: 'group:default/payments-team',
          system: 'system:default/payments',
        },
      },
    ]);
  });

  it('gives an untagged account the placeholder owner, marks it owner-missing and says so', () => {
    const { entities, warnings, unowned } = accountEntities(
      [account('412244668800', 'growth-experiments')],
      CTX,
    );
    expect(warnings).toEqual([]);
    expect(unowned).toEqual(['412244668800']);
    expect(entities[0].spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/unowned-aws-accounts',
    });
    expect(entities[0].metadata.annotations).toMatchObject({
      'cis-aws.io/owner-missing': 'true',
    });
    expect(entities[0].metadata.description).toMatch(
      /no valid "owner" tag: nobody owns it/,
    );
  });

  it('treats an invalid owner or system tag as missing, with a warning naming the account and the tag', () => {
    const { entities, warnings, unowned } = accountEntities(
      [
        account('404455667788', 'payments-staging', {
          owner: 'Payments Team',
          system: 'group:default/payments-team',
        }),
      ],
      CTX,
    );
    expect(unowned).toEqual(['404455667788']);
    expect(entities[0].spec).toEqual({
      type: 'cloud-account',
      owner: 'group:default/unowned-aws-accounts',
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^AWS account 404455667788 \(payments-staging\): tag "owner" = "Payments Team" is not a valid group reference .*; it is treated as missing$/,
    );
    expect(warnings[1]).toMatch(
      /^AWS account 404455667788 \(payments-staging\): tag "system" = "group:default\/payments-team" is not a valid system reference/,
    );
  });

  it('reads bare names in the configured namespace and the configured tag keys', () => {
    const { entities } = accountEntities(
      [
        account('403344556677', 'payments-prod', {
          Team: 'payments-team',
          App: 'payments',
          owner: 'group:default/ignored',
        }),
      ],
      { ...CTX, namespace: 'acme', ownerTag: 'Team', systemTag: 'App' },
    );
    expect(entities[0].metadata.namespace).toBe('acme');
    expect(entities[0].spec).toEqual({
      type: 'cloud-account',
      owner: 'group:acme/payments-team',
      system: 'system:acme/payments',
    });
  });

  it('annotates the state of an account that is not active', () => {
    const { entities } = accountEntities(
      [account('413344556677', 'old-sandbox', {}, 'SUSPENDED')],
      CTX,
    );
    expect(entities[0].metadata.annotations).toMatchObject({
      'cis-aws.io/account-status': 'SUSPENDED',
    });
    expect(entities[0].metadata.description).toMatch(
      /Its state is SUSPENDED: it is not evaluated\./,
    );
  });

  it('titles an account without a name by its id', () => {
    const { entities } = accountEntities(
      [{ id: '403344556677', status: 'ACTIVE', tags: {} }],
      CTX,
    );
    expect(entities[0].metadata.name).toBe('aws-403344556677');
    expect(entities[0].metadata.title).toBe('403344556677');
  });
});

describe('isActiveAccount', () => {
  it('is true only for ACTIVE', () => {
    expect(
      [
        'ACTIVE',
        'SUSPENDED',
        'PENDING_CLOSURE',
        'CLOSED',
        'PENDING_ACTIVATION',
      ].map(status => isActiveAccount({ status })),
    ).toEqual([true, false, false, false, false]);
  });
});
