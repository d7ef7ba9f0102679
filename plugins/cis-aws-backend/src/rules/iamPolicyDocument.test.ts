import {
  matchesAllWithPrefix,
  matchesSomeWithPrefix,
  matchesWildcard,
  parsePolicyDocument,
} from './iamPolicyDocument';

const exact = { caseInsensitive: false };

describe('IAM wildcards', () => {
  it.each([
    ['*', 'anything', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'ac', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['abc', 'abcd', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value, exact)).toBe(expected);
  });

  it('matches case-insensitively only when asked (actions), never for resources', () => {
    expect(
      matchesWildcard('logs:put*', 'logs:PutLogEvents', {
        caseInsensitive: true,
      }),
    ).toBe(true);
    expect(matchesWildcard('logs:put*', 'logs:PutLogEvents', exact)).toBe(
      false,
    );
  });

  it.each([
    ['g:*', 'g:s_', true, true],
    ['g:s_*', 'g:s_', true, true],
    ['*', 'g:s_', true, true],
    ['g:s_x*', 'g:s_', false, true],
    ['g:s_', 'g:s_', false, true],
    ['g:s_?*', 'g:s_', false, true],
    ['g:t*', 'g:s_', false, false],
    ['g:*:x', 'g:s_', false, true],
  ])(
    '%s against every string starting with %s: all %s, some %s',
    (pattern, prefix, all, some) => {
      expect(matchesAllWithPrefix(pattern, prefix, exact)).toBe(all);
      expect(matchesSomeWithPrefix(pattern, prefix, exact)).toBe(some);
    },
  );
});

describe('parsePolicyDocument', () => {
  const document =
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';

  it('reads plain JSON and normalises a single statement and single strings to lists', () => {
    expect(parsePolicyDocument(document)).toEqual({
      ok: true,
      statements: [
        {
          effect: 'Allow',
          action: ['s3:GetObject'],
          resource: ['*'],
          conditionKeys: [],
        },
      ],
    });
  });

  it('reads URL-encoded JSON, as IAM returns it, with %20 or + for spaces', () => {
    const spaced = document.replace(/,/g, ', ');
    expect(parsePolicyDocument(encodeURIComponent(spaced))).toEqual(
      parsePolicyDocument(document),
    );
    expect(
      parsePolicyDocument(encodeURIComponent(spaced).replace(/%20/g, '+')),
    ).toEqual(parsePolicyDocument(document));
  });

  it('collects condition keys and principals', () => {
    const trust =
      '{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"1"}}}]}';
    expect(parsePolicyDocument(trust)).toMatchObject({
      ok: true,
      statements: [
        {
          principal: { Service: ['cloudtrail.amazonaws.com'] },
          conditionKeys: ['aws:SourceAccount'],
        },
      ],
    });
  });

  it.each([
    ['not json at all', 'neither JSON nor URL-encoded JSON'],
    ['{"Version":"2012-10-17"}', 'no Statement'],
    [
      '{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}',
      'neither Allow nor Deny',
    ],
    [
      '{"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}',
      'Action is not a string',
    ],
  ])('reports what is wrong with %s instead of throwing', (raw, problem) => {
    const result = parsePolicyDocument(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});

describe('strings after a prefix that cannot contain some characters', () => {
  it('a pattern that needs a colon after the prefix matches none of them', () => {
    const streams = { caseInsensitive: false, suffixCannotContain: ':' };
    expect(
      matchesSomeWithPrefix('a:*:secret:*', 'a:group:log-stream:s_', streams),
    ).toBe(false);
    expect(
      matchesSomeWithPrefix('a:*:secret:*', 'a:group:log-stream:s_', exact),
    ).toBe(true);
    expect(
      matchesSomeWithPrefix('a:*x', 'a:group:log-stream:s_', streams),
    ).toBe(true);
  });
});
