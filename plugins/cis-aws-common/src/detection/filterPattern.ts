/**
 * The CloudWatch Logs filter-pattern language, evaluated locally: what a metric filter on a
 * trail's log group matches. Used to judge a pattern by its behaviour when
 * `logs:TestMetricFilter` is not available, and by the AWS simulator's TestMetricFilter.
 *
 * Supported, as CloudWatch Logs documents them:
 * - JSON patterns `{ <expression> }`: selectors `$.a.b[0].c`; `=` and `!=` with strings (quoted
 *   or not) and numbers (`+1000`, `10e-3`); `<`, `<=`, `>`, `>=` with numbers; `IS NULL`,
 *   `NOT EXISTS`, `IS TRUE`, `IS FALSE`; "standard order of operations () > && > ||";
 *   any whitespace between tokens.
 * - Wildcards as documented: `*` matches any text at the start or end of a string (`*Event`,
 *   `Event*`, `*Event*`); in the middle it is a literal (`Ev*ent` matches only "Ev*ent"); a
 *   lone `*` matches any value (`{ $.latency = * }`).
 * - Term patterns: `ERROR`, `"quoted phrase"`, `ERROR Exiting` (all terms), `?ERROR ?WARN`
 *   (any term), `ERROR -Exiting` (exclusion); case-sensitive; the empty pattern matches every
 *   event.
 * Not supported (a parse error, never a guess): space-delimited `[a, b, ...]` patterns and
 * `%regex%` patterns.
 *
 * A selector must point to a value node: a comparison on an array or object does not match,
 * `!=` included (documented), and neither does one on a property that does not exist or is
 * null (use `NOT EXISTS` / `IS NULL`). A string compares with strings, a number with numbers.
 * Reference: CloudWatch Logs User Guide, "Filter and pattern syntax".
 *
 * Parsing never throws: a bad pattern is an error value with a message and a position.
 */

export type JsonComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One step of a selector: a property name or an array index. */
export type SelectorStep = string | number;

export type JsonExpression =
  | { kind: 'and'; left: JsonExpression; right: JsonExpression }
  | { kind: 'or'; left: JsonExpression; right: JsonExpression }
  | {
      kind: 'compare';
      selector: SelectorStep[];
      operator: JsonComparisonOperator;
      value:
        | { type: 'string'; text: string }
        | { type: 'number'; value: number };
    }
  | {
      kind: 'test';
      selector: SelectorStep[];
      test: 'IS NULL' | 'NOT EXISTS' | 'IS TRUE' | 'IS FALSE';
    };

export type FilterPattern =
  | { kind: 'json'; expression: JsonExpression }
  | {
      kind: 'terms';
      /** Every one must appear. */
      all: string[];
      /** At least one must appear, when there are any. */
      any: string[];
      /** None may appear. */
      none: string[];
    };

export interface FilterPatternError {
  message: string;
  /** Offset in the pattern text where the problem was found. */
  position: number;
}

export type FilterPatternParse =
  | { ok: true; pattern: FilterPattern }
  | { ok: false; error: FilterPatternError };

class ParseError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

// ---------------------------------------------------------------- JSON patterns

type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'end'; pos: number }
  | { type: 'op'; op: JsonComparisonOperator; pos: number }
  | { type: 'selector'; steps: SelectorStep[]; pos: number }
  | { type: 'string'; text: string; quoted: boolean; pos: number };

const WORD_END = /[\s()&|=!<>"]/;

function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    const two = text.slice(i, i + 2);
    if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', pos });
      i++;
    } else if (two === '&&' || two === '||') {
      tokens.push({ type: two === '&&' ? 'and' : 'or', pos });
      i += 2;
    } else if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ type: 'op', op: two, pos });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', op: c, pos });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < end && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < end) {
          value += text[i + 1];
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= end) throw new ParseError('unterminated string', pos);
      i++;
      tokens.push({ type: 'string', text: value, quoted: true, pos });
    } else if (c === '$') {
      const { steps, next } = readSelector(text, i, end);
      tokens.push({ type: 'selector', steps, pos });
      i = next;
    } else if (c === '&' || c === '|' || c === '!') {
      throw new ParseError(`unexpected "${c}"`, pos);
    } else {
      let j = i;
      while (j < end && !WORD_END.test(text[j])) j++;
      tokens.push({
        type: 'string',
        text: text.slice(i, j),
        quoted: false,
        pos,
      });
      i = j;
    }
  }
  tokens.push({ type: 'end', pos: end });
  return tokens;
}

function readSelector(
  text: string,
  start: number,
  end: number,
): { steps: SelectorStep[]; next: number } {
  const steps: SelectorStep[] = [];
  let i = start + 1;
  for (;;) {
    if (text[i] === '.' && i + 1 < end) {
      let j = i + 1;
      while (j < end && /[^\s.[\]()&|=!<>"]/.test(text[j])) j++;
      if (j === i + 1)
        throw new ParseError('expected a property name after "."', i);
      steps.push(text.slice(i + 1, j));
      i = j;
    } else if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0 || close > end) throw new ParseError('unclosed "["', i);
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner))
        steps.push(inner.slice(1, -1));
      else throw new ParseError(`bad index "[${inner}]"`, i);
      i = close + 1;
    } else {
      break;
    }
  }
  if (steps.length === 0)
    throw new ParseError('a selector must name a property: $.name', start);
  return { steps, next: i };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class JsonParser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index];
  }

  parse(): JsonExpression {
    if (this.current.type === 'end')
      throw new ParseError('empty JSON pattern', this.current.pos);
    const expression = this.or();
    const rest: Token = this.current;
    if (rest.type !== 'end')
      throw new ParseError(`unexpected ${describeToken(rest)}`, rest.pos);
    return expression;
  }

  private or(): JsonExpression {
    let left = this.and();
    while (this.current.type === 'or') {
      this.index++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): JsonExpression {
    let left = this.primary();
    while (this.current.type === 'and') {
      this.index++;
      left = { kind: 'and', left, right: this.primary() };
    }
    return left;
  }

  private primary(): JsonExpression {
    const token = this.current;
    if (token.type === 'lparen') {
      this.index++;
      const inner = this.or();
      if (this.current.type !== 'rparen')
        throw new ParseError('expected ")"', this.current.pos);
      this.index++;
      return inner;
    }
    if (token.type !== 'selector')
      throw new ParseError(
        `expected a selector ($.name) or "(", found ${describeToken(token)}`,
        token.pos,
      );
    this.index++;
    const next = this.current;
    if (next.type === 'op') {
      this.index++;
      const value = this.current;
      if (value.type !== 'string')
        throw new ParseError(
          `expected a value after "${next.op}", found ${describeToken(value)}`,
          value.pos,
        );
      this.index++;
      const numeric = !value.quoted && NUMBER.test(value.text);
      if (!numeric && next.op !== '=' && next.op !== '!=')
        throw new ParseError(
          `"${next.op}" compares numbers; "${value.text}" is not a number`,
          value.pos,
        );
      return {
        kind: 'compare',
        selector: token.steps,
        operator: next.op,
        value: numeric
          ? { type: 'number', value: Number(value.text) }
          : { type: 'string', text: value.text },
      };
    }
    if (next.type === 'string' && !next.quoted) {
      const word = next.text.toUpperCase();
      const following = this.tokens[this.index + 1];
      const second =
        following.type === 'string' && !following.quoted
          ? following.text.toUpperCase()
          : '';
      const tests = {
        'IS NULL': 'IS NULL',
        'IS TRUE': 'IS TRUE',
        'IS FALSE': 'IS FALSE',
        'NOT EXISTS': 'NOT EXISTS',
      } as const;
      const test = tests[`${word} ${second}` as keyof typeof tests] as
        | (typeof tests)[keyof typeof tests]
        | undefined;
      if (test) {
        this.index += 2;
        return { kind: 'test', selector: token.steps, test };
      }
    }
    throw new ParseError(
      `expected an operator (=, !=, <, <=, >, >=, IS NULL, NOT EXISTS, IS TRUE, IS FALSE) after the selector, found ${describeToken(
        next,
      )}`,
      next.pos,
    );
  }
}

function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the pattern';
    case 'string':
      return `"${token.text}"`;
    case 'selector':
      return 'a selector';
    case 'op':
      return `"${token.op}"`;
    case 'and':
      return '"&&"';
    case 'or':
      return '"||"';
    default:
      return token.type === 'lparen' ? '"("' : '")"';
  }
}

// ---------------------------------------------------------------- term patterns

function parseTerms(text: string): FilterPattern {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    let list = all;
    if (text[i] === '?' || text[i] === '-') {
      list = text[i] === '?' ? any : none;
      i++;
    }
    let term: string;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new ParseError('unterminated string', i);
      term = text.slice(i + 1, close);
      i = close + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j])) j++;
      term = text.slice(i, j);
      i = j;
    }
    if (term === '') throw new ParseError('empty term', i);
    list.push(term);
  }
  return { kind: 'terms', all, any, none };
}

/** Parses a filter pattern. Never throws. */
export function parseFilterPattern(text: string): FilterPatternParse {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      const start = text.indexOf('{');
      const end = text.lastIndexOf('}');
      if (end <= start || text.slice(end + 1).trim() !== '')
        throw new ParseError(
          'a JSON pattern must end with "}"',
          end < 0 ? text.length : end,
        );
      const tokens = tokenize(text, start + 1, end);
      return {
        ok: true,
        pattern: { kind: 'json', expression: new JsonParser(tokens).parse() },
      };
    }
    if (trimmed.startsWith('[')) {
      throw new ParseError(
        'space-delimited patterns ([a, b, ...]) are not supported locally',
        text.indexOf('['),
      );
    }
    if (trimmed.startsWith('%')) {
      throw new ParseError(
        'regular-expression patterns (%...%) are not supported locally',
        text.indexOf('%'),
      );
    }
    return { ok: true, pattern: parseTerms(text) };
  } catch (e) {
    if (e instanceof ParseError)
      return { ok: false, error: { message: e.message, position: e.position } };
    return {
      ok: false,
      error: { message: `cannot parse: ${String(e)}`, position: 0 },
    };
  }
}

// ---------------------------------------------------------------- evaluation

function select(value: unknown, steps: SelectorStep[]): unknown {
  let current: unknown = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (Array.isArray(current)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(current, step))
        return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** `*` at the start and/or end is a wildcard; anywhere else it is itself. */
function wildcardMatch(pattern: string, value: string): boolean {
  const leading = pattern.startsWith('*');
  const trailing = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return value.includes(core);
  if (leading) return value.endsWith(core);
  if (trailing) return value.startsWith(core);
  return value === pattern;
}

function evaluate(expression: JsonExpression, event: unknown): boolean {
  switch (expression.kind) {
    case 'and':
      return (
        evaluate(expression.left, event) && evaluate(expression.right, event)
      );
    case 'or':
      return (
        evaluate(expression.left, event) || evaluate(expression.right, event)
      );
    case 'test': {
      const value = select(event, expression.selector);
      switch (expression.test) {
        case 'NOT EXISTS':
          return value === undefined;
        case 'IS NULL':
          return value === null;
        case 'IS TRUE':
          return value === true;
        default:
          return value === false;
      }
    }
    default: {
      const value = select(event, expression.selector);
      const { operator } = expression;
      if (expression.value.type === 'string') {
        if (expression.value.text === '*')
          return (
            (typeof value === 'string' || typeof value === 'number') &&
            operator === '='
          );
        if (typeof value !== 'string') return false;
        const equal = wildcardMatch(expression.value.text, value);
        return operator === '=' ? equal : !equal;
      }
      if (typeof value !== 'number') return false;
      const n = expression.value.value;
      switch (operator) {
        case '=':
          return value === n;
        case '!=':
          return value !== n;
        case '<':
          return value < n;
        case '<=':
          return value <= n;
        case '>':
          return value > n;
        default:
          return value >= n;
      }
    }
  }
}

/** Whether a parsed pattern matches one log event message. */
export function filterPatternMatches(
  pattern: FilterPattern,
  message: string,
): boolean {
  if (pattern.kind === 'terms') {
    return (
      pattern.all.every(t => message.includes(t)) &&
      (pattern.any.length === 0 ||
        pattern.any.some(t => message.includes(t))) &&
      !pattern.none.some(t => message.includes(t))
    );
  }
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    return false;
  }
  if (event === null || typeof event !== 'object') return false;
  return evaluate(pattern.expression, event);
}

/**
 * Which messages a pattern matches, in order — what `logs:TestMetricFilter` answers — or the
 * parse error.
 */
export function testFilterPattern(
  patternText: string,
  messages: readonly string[],
): { ok: true; matches: boolean[] } | { ok: false; error: FilterPatternError } {
  const parsed = parseFilterPattern(patternText);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    matches: messages.map(m => filterPatternMatches(parsed.pattern, m)),
  };
}
