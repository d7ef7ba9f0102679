import {
  filterPatternMatches,
  parseFilterPattern,
  testFilterPattern,
} from './filterPattern';

/** The JSON log event of CloudWatch Logs' "filter pattern syntax for JSON log events" examples. */
const DOC_EVENT = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  cluster: { name: 'c1' },
  ThisFlag: true,
});

/** The event of the documentation's compound-expression examples. */
const COMPOUND_EVENT = JSON.stringify({
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
});

function matches(pattern: string, message: string): boolean {
  const result = testFilterPattern(pattern, [message]);
  if (!result.ok) throw new Error(`parse error: ${result.error.message}`);
  return result.matches[0];
}

describe('JSON filter patterns: the documented examples', () => {
  it.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.eventType = "*Trail" }', true],
    ['{ $.eventType = "*dateTr*" }', true],
    ['{ $.eventType = "Up*Trail" }', false],
    ['{ $.eventType = "CreateTrail" }', false],
    ['{ $.sourceIPAddress != 123.123.* }', true],
    ['{ $.sourceIPAddress != 111.111.* }', false],
    ['{ $.arrayKey[0] = "value" }', true],
    ['{ $.arrayKey[1] = "value" }', false],
    ['{ $.objectList[1].id = 2 }', true],
    ['{ $.objectList[1].id > 1 }', true],
    ['{ $.objectList[0].id >= 2 }', false],
    ['{ $.SomeObject IS NULL }', true],
    ['{ $.eventType IS NULL }', false],
    ['{ $.SomeOtherObject NOT EXISTS }', true],
    ['{ $.SomeObject NOT EXISTS }', false],
    ['{ $.ThisFlag IS TRUE }', true],
    ['{ $.ThisFlag IS FALSE }', false],
    ['{ $.cluster.name = "c1" }', true],
  ])('%s → %s', (pattern, expected) => {
    expect(matches(pattern, DOC_EVENT)).toBe(expected);
  });

  it.each([
    [
      '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }',
      true,
    ],
    [
      '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
      false,
    ],
    // "standard order of operations () > && > ||": true || (false && false)
    [
      '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
      true,
    ],
    // the same with parentheses around the ||: (true || false) && false
    [
      '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
      false,
    ],
    ['{ $.coordinates[1][0] = 4 }', true],
    ['{ $.user.id < 1 }', false],
    ['{ $.user.id <= 1 }', true],
    ['{ $.user.id != 1 }', false],
    ['{ $.user.id = 1.0 }', true],
    ['{ $.user.id = 1e0 }', true],
  ])('%s → %s', (pattern, expected) => {
    expect(matches(pattern, COMPOUND_EVENT)).toBe(expected);
  });
});

describe('JSON filter patterns: more documented examples', () => {
  it('numeric comparisons, with signs and scientific notation', () => {
    const event = JSON.stringify({
      latency: 1500,
      numbers: [0.005],
      processes: [{}, {}, {}, {}, { averageRuntime: 55.5 }],
      errorCode: 400,
    });
    for (const pattern of [
      '{ $.latency >= 500 }',
      '{ $.numbers[0] < 10e3 }',
      '{ $.numbers[0] < 10e-3 }',
      '{ $.processes[4].averageRuntime <= 55.5 }',
      '{ $.errorCode = 400 }',
      '{ $.errorCode != 500 }',
      '{ $.latency > +1000 }',
    ])
      expect(matches(pattern, event)).toBe(true);
    expect(matches('{ $.latency < -1 }', event)).toBe(false);
  });

  it('a lone * matches any value, numbers included', () => {
    expect(matches('{ $.latency = * }', '{"latency": 12}')).toBe(true);
    expect(matches('{ $.latency = * }', '{"other": 12}')).toBe(false);
  });

  it('OR in JSON patterns', () => {
    const p = '{$.foo = bar || $.foo = baz }';
    expect(matches('{$.foo = bar}', '{"foo": "bar"}')).toBe(true);
    expect(matches('{$.foo = baz }', '{"foo": "bar"}')).toBe(false);
    expect(matches(p, '{"foo": "bar"}')).toBe(true);
    expect(matches(p, '{"foo": "baz"}')).toBe(true);
  });

  it('a selector on an array matches neither = nor !=', () => {
    const event = '{ "users": [1, 2, 3] }';
    expect(matches('{$.users = 1}', event)).toBe(false);
    expect(matches('{$.users != 1}', event)).toBe(false);
  });
});

describe('JSON filter patterns: semantics', () => {
  const event = JSON.stringify({
    eventName: 'StopLogging',
    userIdentity: { type: 'Root' },
    count: 3,
    label: '3',
  });

  it('ignores whitespace between tokens, including none and newlines', () => {
    for (const pattern of [
      '{$.eventName="StopLogging"}',
      '{   $.eventName   =   "StopLogging"   }',
      '{\n  ($.eventName = StopLogging)\n}',
      '  { ( ( $.eventName=StopLogging ) ) }  ',
    ]) {
      expect(matches(pattern, event)).toBe(true);
    }
  });

  it('compares strings exactly and case-sensitively, wildcards anywhere', () => {
    expect(matches('{ $.eventName = "stoplogging" }', event)).toBe(false);
    expect(matches('{ $.eventName = "Stop*ing" }', event)).toBe(false);
    expect(matches('{ $.eventName = "Stop*" }', event)).toBe(true);
    expect(
      matches(
        '{ $.eventName = "Stop*Logging" }',
        '{"eventName":"Stop*Logging"}',
      ),
    ).toBe(true);
    expect(matches('{ $.eventName = "*" }', event)).toBe(true);
    expect(matches('{ $.eventName = "StopLogging " }', event)).toBe(false);
    expect(matches('{ $.eventName = "Stop.ogging" }', event)).toBe(false);
  });

  it('does not match a comparison on a property that is missing — not even !=', () => {
    expect(matches('{ $.missing = "x" }', event)).toBe(false);
    expect(matches('{ $.missing != "x" }', event)).toBe(false);
    expect(matches('{ $.userIdentity.invokedBy NOT EXISTS }', event)).toBe(
      true,
    );
    expect(matches('{ $.userIdentity NOT EXISTS }', event)).toBe(false);
  });

  it('compares numbers with numbers and strings with strings', () => {
    expect(matches('{ $.count = 3 }', event)).toBe(true);
    expect(matches('{ $.count = "3" }', event)).toBe(false);
    expect(matches('{ $.label = "3" }', event)).toBe(true);
    expect(matches('{ $.label = 3 }', event)).toBe(false);
  });

  it('matches JSON patterns only against JSON objects', () => {
    expect(matches('{ $.eventName = "*" }', 'StopLogging happened')).toBe(
      false,
    );
    expect(matches('{ $.eventName = "*" }', '"StopLogging"')).toBe(false);
  });

  it('accepts operators and keywords in any case of IS/NOT', () => {
    expect(matches('{ $.nothing not exists }', event)).toBe(true);
  });
});

describe('term patterns: the documented examples', () => {
  const events = ['ERROR WARN message', 'ERROR message', 'WARN message'];
  it.each([
    ['ERROR', [0, 1]],
    ['?ERROR ?WARN', [0, 1, 2]],
    ['ERROR WARN', [0]],
    ['ERROR -WARN', [1]],
    ['"ERROR" -"WARN"', [1]],
  ])('"%s" matches %j', (pattern, expected) => {
    const result = testFilterPattern(pattern, events);
    expect(result).toEqual({
      ok: true,
      matches: events.map((_, i) => expected.includes(i)),
    });
  });
});

describe('term patterns', () => {
  const log = '[ERROR] 2024-01-01 MainThread Exiting with code 1';
  it.each([
    ['', true],
    ['   ', true],
    ['ERROR', true],
    ['error', false],
    ['ERROR MainThread', true],
    ['ERROR WARN', false],
    ['?WARN ?ERROR', true],
    ['?WARN ?INFO', false],
    ['ERROR -Exiting', false],
    ['ERROR -Deadlock', true],
    ['"with code 1"', true],
    ['"with code 2"', false],
  ])('"%s" → %s', (pattern, expected) => {
    expect(matches(pattern, log)).toBe(expected);
  });
});

describe('parse errors are values, never exceptions', () => {
  it.each([
    ['{ $.eventName = "x" ', 'must end with "}"'],
    ['{ }', 'empty JSON pattern'],
    ['{ $.eventName = }', 'expected a value'],
    ['{ $.eventName "x" }', 'expected an operator'],
    ['{ ($.eventName = x }', 'expected ")"'],
    ['{ $.eventName = x ) }', 'unexpected ")"'],
    ['{ $.eventName = x && }', 'expected a selector'],
    ['{ $.eventName = x & $.a = b }', 'unexpected "&"'],
    ['{ $.eventName = "x }', 'unterminated string'],
    ['{ $.latency > fast }', 'compares numbers'],
    ['{ $. = x }', 'property name'],
    ['{ $ = x }', 'must name a property'],
    ['{ eventName = x }', 'expected a selector'],
    ['[ip, user, ...]', 'not supported'],
    ['%ERROR [0-9]+%', 'not supported'],
  ])('%s', (pattern, message) => {
    expect(parseFilterPattern(pattern)).toEqual({
      ok: false,
      error: {
        message: expect.stringContaining(message),
        position: expect.any(Number),
      },
    });
  });

  it('reports the position of the problem', () => {
    const result = parseFilterPattern('{ $.a = 1 || $.b ?? 2 }');
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ position: 17 }),
    });
  });

  it('evaluates a parsed pattern directly', () => {
    const parsed = parseFilterPattern('{ $.a = 1 }');
    if (!parsed.ok) throw new Error('expected a pattern');
    expect(filterPatternMatches(parsed.pattern, '{"a":1}')).toBe(true);
    expect(filterPatternMatches(parsed.pattern, '{"a":2}')).toBe(false);
  });
});
