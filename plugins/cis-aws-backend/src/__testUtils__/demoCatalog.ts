import { Entity } from '@backstage/catalog-model';

/** The demo world's accounts (packages/aws-simulator/worlds/demo.yaml), as the catalog holds them. */
export const DEMO_ACCOUNTS = [
  {
    id: '401122334455',
    name: 'platform-management',
    owner: 'platform-team',
    system: 'landing-zone',
  },
  {
    id: '402233445566',
    name: 'security-tooling',
    owner: 'security-team',
    system: 'landing-zone',
  },
  {
    id: '403344556677',
    name: 'payments-prod',
    owner: 'payments-team',
    system: 'payments',
  },
  {
    id: '404455667788',
    name: 'payments-staging',
    owner: 'payments-team',
    system: 'payments',
  },
  {
    id: '411122334455',
    name: 'legacy-billing',
    owner: 'payments-team',
    system: 'payments',
  },
  {
    id: '405566778899',
    name: 'storefront-prod',
    owner: 'checkout-team',
    system: 'storefront',
  },
  {
    id: '406677889900',
    name: 'storefront-staging',
    owner: 'checkout-team',
    system: 'storefront',
  },
  {
    id: '407788990011',
    name: 'checkout-dev',
    owner: 'checkout-team',
    system: 'storefront',
  },
  {
    id: '408899001122',
    name: 'data-lake-prod',
    owner: 'data-team',
    system: 'analytics',
  },
  {
    id: '410011223344',
    name: 'analytics-dev',
    owner: 'data-team',
    system: 'analytics',
  },
  {
    id: '409900112233',
    name: 'analytics-sandbox',
    owner: 'data-team',
    system: 'analytics',
  },
];

/** A cloud-account Resource with the relations the catalog would compute. */
export function accountEntity(account: {
  id: string;
  name: string;
  owner: string;
  system?: string;
  annotation?: string;
}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `aws-${account.name}`,
      namespace: 'default',
      title: account.name,
      annotations: {
        'amazonaws.com/account-id': account.annotation ?? account.id,
      },
    },
    spec: {
      type: 'cloud-account',
      owner: account.owner,
      ...(account.system ? { system: account.system } : {}),
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${account.owner}` },
      ...(account.system
        ? [{ type: 'partOf', targetRef: `system:default/${account.system}` }]
        : []),
    ],
  };
}

export function systemEntity(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

export function groupEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

export function demoEntities(): Entity[] {
  const teams = [...new Set(DEMO_ACCOUNTS.map(a => a.owner))];
  const systems = [
    ...new Map(DEMO_ACCOUNTS.map(a => [a.system, a.owner])).entries(),
  ];
  return [
    ...DEMO_ACCOUNTS.map(accountEntity),
    ...systems.map(([name, owner]) => systemEntity(name, owner)),
    ...teams.map(groupEntity),
  ];
}
