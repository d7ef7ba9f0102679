import { AwsCredentialIdentity } from '@aws-sdk/types';
import { memoizeCredentials } from './memoizeCredentials';

const MINUTE = 60_000;

function identity(key: string, expiresAt?: number): AwsCredentialIdentity {
  return {
    accessKeyId: key,
    secretAccessKey: 'secret',
    expiration: expiresAt === undefined ? undefined : new Date(expiresAt),
  };
}

describe('memoizeCredentials', () => {
  it('fetches once for callers that arrive together', async () => {
    const provider = jest.fn(async () => identity('A', 60 * MINUTE));
    const memo = memoizeCredentials(provider, () => 0);
    const [a, b] = await Promise.all([memo(), memo()]);
    expect(a.accessKeyId).toBe('A');
    expect(b.accessKeyId).toBe('A');
    await memo();
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('hands the identity properties of the call that fetches to the provider', async () => {
    const provider = jest.fn(async (_?: Record<string, unknown>) =>
      identity('A'),
    );
    const memo = memoizeCredentials(provider, () => 0);
    await Promise.all([memo({ caller: 'first' }), memo({ caller: 'second' })]);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(provider).toHaveBeenCalledWith({ caller: 'first' });
  });

  it('keeps credentials without an expiry', async () => {
    const provider = jest.fn(async () => identity('static'));
    const memo = memoizeCredentials(provider, () => 1e15);
    await memo();
    await memo();
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('fetches again five minutes before the credentials expire, once for all who notice', async () => {
    let now = 0;
    let n = 0;
    const provider = jest.fn(async () =>
      identity(`K${++n}`, now + 60 * MINUTE),
    );
    const memo = memoizeCredentials(provider, () => now);
    expect((await memo()).accessKeyId).toBe('K1');
    now = 54 * MINUTE;
    expect((await memo()).accessKeyId).toBe('K1');
    now = 56 * MINUTE;
    const [a, b] = await Promise.all([memo(), memo()]);
    expect([a.accessKeyId, b.accessKeyId]).toEqual(['K2', 'K2']);
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('tries again after a failure instead of keeping it', async () => {
    const provider = jest
      .fn()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValue(identity('B'));
    const memo = memoizeCredentials(provider, () => 0);
    await expect(memo()).rejects.toThrow('throttled');
    expect((await memo()).accessKeyId).toBe('B');
    expect(provider).toHaveBeenCalledTimes(2);
  });
});
