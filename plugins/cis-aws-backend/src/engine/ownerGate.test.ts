import { AccountFacts } from '@cis-aws/plugin-cis-aws-common';
import { OwnerGate } from './ownerGate';

function facts(accountId: string, trailOwners: string[]): AccountFacts {
  return {
    accountId,
    partition: 'aws',
    regionsScanned: ['us-east-1'],
    regionsSkipped: [],
    regionsFailed: [],
    inventoryErrors: [],
    collectedAt: '2026-11-24T00:00:00.000Z',
    trails: trailOwners.map(
      owner => ({ ownerAccountId: owner } as AccountFacts['trails'][number]),
    ),
  };
}

describe('OwnerGate', () => {
  const scope = new Set(['111111111111', '222222222222', '333333333333']);

  it('releases an account with only its own trails at once', () => {
    const released: string[] = [];
    const gate = new OwnerGate<string>(scope, id => released.push(id));
    gate.collect(facts('222222222222', ['222222222222']), '222222222222');
    expect(released).toEqual(['222222222222']);
  });

  it('holds a member back until the organization trail owner is collected', () => {
    const released: string[] = [];
    const gate = new OwnerGate<string>(scope, id => released.push(id));
    gate.collect(facts('222222222222', ['111111111111']), '222222222222');
    gate.collect(
      facts('333333333333', ['111111111111', '333333333333']),
      '333333333333',
    );
    expect(released).toEqual([]);
    gate.collect(facts('111111111111', ['111111111111']), '111111111111');
    expect(released.sort()).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
    ]);
  });

  it('does not wait for an owner that is out of scope', () => {
    const released: string[] = [];
    const gate = new OwnerGate<string>(scope, id => released.push(id));
    gate.collect(facts('222222222222', ['999999999999']), '222222222222');
    expect(released).toEqual(['222222222222']);
  });

  it('releases the remaining waiters on flush, once each', () => {
    const released: string[] = [];
    const gate = new OwnerGate<string>(scope, id => released.push(id));
    gate.collect(facts('222222222222', ['111111111111']), '222222222222');
    gate.flush();
    gate.flush();
    expect(released).toEqual(['222222222222']);
  });
});
