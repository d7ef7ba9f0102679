/**
 * Reading IAM policy documents and matching IAM wildcards, for the static analysis in
 * iamPolicy.ts. Errors are data: a document that cannot be understood is a `problem`, which the
 * analysis turns into UNDETERMINED, never into ALLOWED or DENIED.
 */

/** `"*"`, or `{ Service: [...], AWS: [...], Federated: [...] }` with arrays normalised. */
export type PrincipalSpec = '*' | Record<string, string[]>;

export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  /** Every condition key used, as written (e.g. `aws:SourceArn`). */
  conditionKeys: string[];
}

export type ParsedPolicy =
  | { ok: true; statements: PolicyStatement[] }
  | { ok: false; problem: string };

/**
 * IAM returns documents URL-encoded (RFC 3986); other sources give plain JSON. Plain JSON is
 * tried first, then percent-decoding, then form-decoding (`+` for spaces) as a last resort.
 */
export function parsePolicyDocument(raw: string): ParsedPolicy {
  const attempts = [
    () => raw,
    () => decodeURIComponent(raw),
    () => decodeURIComponent(raw.replace(/\+/g, ' ')),
  ];
  for (const attempt of attempts) {
    let json: unknown;
    try {
      json = JSON.parse(attempt());
    } catch {
      continue;
    }
    return normalisePolicy(json);
  }
  return {
    ok: false,
    problem: 'the document is neither JSON nor URL-encoded JSON',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalisePolicy(json: unknown): ParsedPolicy {
  if (!isRecord(json) || json.Statement === undefined) {
    return { ok: false, problem: 'the document has no Statement' };
  }
  const raw = Array.isArray(json.Statement) ? json.Statement : [json.Statement];
  const statements: PolicyStatement[] = [];
  for (const [index, entry] of raw.entries()) {
    const statement = normaliseStatement(entry);
    if (typeof statement === 'string') {
      return { ok: false, problem: `statement ${index + 1}: ${statement}` };
    }
    statements.push(statement);
  }
  return { ok: true, statements };
}

/** A statement, or what is wrong with it. */
function normaliseStatement(entry: unknown): PolicyStatement | string {
  if (!isRecord(entry)) {
    return 'not an object';
  }
  if (entry.Effect !== 'Allow' && entry.Effect !== 'Deny') {
    return `Effect ${JSON.stringify(entry.Effect)} is neither Allow nor Deny`;
  }
  const statement: PolicyStatement = {
    effect: entry.Effect,
    conditionKeys: [],
  };
  if (typeof entry.Sid === 'string') {
    statement.sid = entry.Sid;
  }
  for (const [field, key] of [
    ['Action', 'action'],
    ['NotAction', 'notAction'],
    ['Resource', 'resource'],
    ['NotResource', 'notResource'],
  ] as const) {
    if (entry[field] !== undefined) {
      const values = stringList(entry[field]);
      if (!values) {
        return `${field} is not a string or a list of strings`;
      }
      statement[key] = values;
    }
  }
  for (const [field, key] of [
    ['Principal', 'principal'],
    ['NotPrincipal', 'notPrincipal'],
  ] as const) {
    if (entry[field] !== undefined) {
      const principal = principalSpec(entry[field]);
      if (!principal) {
        return `${field} is not understood`;
      }
      statement[key] = principal;
    }
  }
  if (entry.Condition !== undefined) {
    if (!isRecord(entry.Condition)) {
      return 'Condition is not an object';
    }
    for (const operator of Object.values(entry.Condition)) {
      if (!isRecord(operator)) {
        return 'a Condition operator is not an object';
      }
      statement.conditionKeys.push(...Object.keys(operator));
    }
  }
  return statement;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    return [value];
  }
  return Array.isArray(value) && value.every(v => typeof v === 'string')
    ? value
    : undefined;
}

function principalSpec(value: unknown): PrincipalSpec | undefined {
  if (value === '*') {
    return '*';
  }
  if (!isRecord(value)) {
    return undefined;
  }
  const spec: Record<string, string[]> = {};
  for (const [kind, principals] of Object.entries(value)) {
    const list = stringList(principals);
    if (!list) {
      return undefined;
    }
    spec[kind] = list;
  }
  return spec;
}

/**
 * IAM wildcards: `*` any run of characters, `?` exactly one. Actions compare case-insensitively,
 * resources case-sensitively. The pattern is run as a small automaton over its positions, which
 * also answers questions about every string that starts with a given prefix.
 */
export interface WildcardOptions {
  caseInsensitive: boolean;
}

/** Does the pattern match the value exactly? */
export function matchesWildcard(
  pattern: string,
  value: string,
  options: WildcardOptions,
): boolean {
  const chars = Array.from(pattern);
  return statesAfter(chars, value, options).has(chars.length);
}

/**
 * Does the pattern match at least one string that starts with `prefix`? `suffixCannotContain`
 * lists characters that never follow the prefix (log stream names have no `:`), so a pattern
 * needing one of them after the prefix matches none of those strings.
 */
export function matchesSomeWithPrefix(
  pattern: string,
  prefix: string,
  options: WildcardOptions & { suffixCannotContain?: string },
): boolean {
  const chars = Array.from(pattern);
  const excluded = Array.from(options.suffixCannotContain ?? '');
  // From a live position, the rest of the pattern can be completed unless it needs, as a
  // literal, a character the suffix cannot hold (`?` and `*` can always match something else).
  return [...statesAfter(chars, prefix, options)].some(position =>
    chars
      .slice(position)
      .every(token => !excluded.some(c => sameChar(c, token, options))),
  );
}

/**
 * Does the pattern match every string that starts with `prefix`? True when, after the prefix,
 * the rest of the pattern is only `*`. This can miss exotic patterns that cover the set in
 * another way, which errs toward "only some" (UNDETERMINED), never toward a wrong answer.
 */
export function matchesAllWithPrefix(
  pattern: string,
  prefix: string,
  options: WildcardOptions,
): boolean {
  const chars = Array.from(pattern);
  return [...statesAfter(chars, prefix, options)].some(
    position =>
      position < chars.length && chars.slice(position).every(c => c === '*'),
  );
}

/** Policy variables (`${aws:username}`) depend on the request: their matches are unknowable. */
export function hasPolicyVariable(pattern: string): boolean {
  return pattern.includes('${');
}

function statesAfter(
  pattern: readonly string[],
  text: string,
  options: WildcardOptions,
): Set<number> {
  let states = closure(pattern, [0]);
  for (const char of text) {
    const next: number[] = [];
    for (const position of states) {
      const token = pattern[position];
      if (token === '*') {
        next.push(position);
      } else if (
        token === '?' ||
        (token !== undefined && sameChar(token, char, options))
      ) {
        next.push(position + 1);
      }
    }
    states = closure(pattern, next);
    if (states.size === 0) {
      break;
    }
  }
  return states;
}

/** A `*` may also match nothing: from its position, the next one is reachable for free. */
function closure(
  pattern: readonly string[],
  positions: readonly number[],
): Set<number> {
  const reached = new Set(positions);
  const pending = [...positions];
  for (
    let position = pending.pop();
    position !== undefined;
    position = pending.pop()
  ) {
    if (pattern[position] === '*' && !reached.has(position + 1)) {
      reached.add(position + 1);
      pending.push(position + 1);
    }
  }
  return reached;
}

function sameChar(
  a: string,
  b: string,
  { caseInsensitive }: WildcardOptions,
): boolean {
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

const ACTION_MATCH = { caseInsensitive: true };

/** Does the statement's Action (or NotAction) cover this action? Actions ignore case. */
export function actionApplies(
  statement: PolicyStatement,
  action: string,
): boolean {
  if (statement.action) {
    return statement.action.some(pattern =>
      matchesWildcard(pattern, action, ACTION_MATCH),
    );
  }
  if (statement.notAction) {
    return !statement.notAction.some(pattern =>
      matchesWildcard(pattern, action, ACTION_MATCH),
    );
  }
  return false;
}
