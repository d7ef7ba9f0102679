import {
  accountEntity,
  groupEntity,
  systemEntity,
} from '../../__testUtils__/render';
import { ago, cardMode, trailName } from './text';

describe('EntityCard text helpers', () => {
  it('decides the card from the entity', () => {
    expect(cardMode(accountEntity('403344556677'))).toEqual({
      type: 'account',
      accountId: '403344556677',
    });
    expect(cardMode(accountEntity('403344556677, 404455667788'))).toEqual({
      type: 'aggregate',
    });
    expect(cardMode(accountEntity('4033-4455-6677'))).toMatchObject({
      type: 'malformed',
      message: 'not a 12-digit AWS account id: "4033-4455-6677"',
    });
    expect(cardMode(accountEntity(''))).toMatchObject({ type: 'malformed' });
    expect(cardMode(systemEntity())).toEqual({ type: 'aggregate' });
    expect(cardMode(groupEntity())).toEqual({ type: 'aggregate' });
  });

  it('names trails', () => {
    expect(
      trailName(
        'arn:aws:cloudtrail:us-east-1:407788990011:trail/checkout-dev-trail',
      ),
    ).toBe('checkout-dev-trail');
    expect(trailName('not-an-arn')).toBe('not-an-arn');
  });

  it('says hours up to three days', () => {
    const now = new Date('2026-11-24T08:55:41.000Z');
    expect(ago('2026-11-23T02:52:40.179Z', now)).toBe('30 hours ago');
    expect(ago('2026-11-24T08:52:40.000Z', now)).toBe('3 minutes ago');
    expect(ago('2026-11-18T08:52:40.149Z', now)).toBe('6 days ago');
    expect(ago(undefined, now)).toBe('never');
  });
});
