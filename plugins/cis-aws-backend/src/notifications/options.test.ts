import { ConfigReader } from '@backstage/config';
import { readNotificationOptions } from './options';

const read = (notifications?: unknown) =>
  readNotificationOptions(
    new ConfigReader(
      notifications === undefined ? {} : { cisAws: { notifications } },
    ),
  );

describe('readNotificationOptions', () => {
  it('notifies every transition, first results included, when nothing is configured', () => {
    const options = read();
    expect(options.enabled).toBe(true);
    expect([...options.transitions]).toEqual(['fail', 'error', 'recovery']);
    expect(options.notifyFirstResult).toBe(true);
    expect(options.unownedRecipient).toBeUndefined();
  });

  it('reads every key', () => {
    const options = read({
      enabled: false,
      transitions: ['fail', 'recovery'],
      notifyFirstResult: false,
      unownedRecipient: 'group:platform-team',
    });
    expect(options).toEqual({
      enabled: false,
      transitions: new Set(['fail', 'recovery']),
      notifyFirstResult: false,
      unownedRecipient: 'group:default/platform-team',
    });
  });

  it('accepts an empty list of transitions (nothing is sent)', () => {
    expect(read({ transitions: [] }).transitions.size).toBe(0);
  });

  it('rejects an unknown transition, naming the key and the allowed values', () => {
    expect(() => read({ transitions: ['fail', 'recovered'] })).toThrow(
      'cisAws.notifications.transitions: "recovered" is not one of fail, error, recovery',
    );
  });

  it('rejects an unowned recipient that is not an entity ref', () => {
    expect(() => read({ unownedRecipient: 'platform-team' })).toThrow(
      /cisAws\.notifications\.unownedRecipient: "platform-team" is not an entity ref/,
    );
  });

  it('rejects values of the wrong type', () => {
    expect(() => read({ enabled: 'sometimes' })).toThrow(/enabled/);
    expect(() => read({ transitions: 'fail' })).toThrow(/transitions/);
  });
});
