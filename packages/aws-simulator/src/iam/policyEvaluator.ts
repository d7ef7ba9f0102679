import { PolicyDocument, PolicyStatement } from '../world/schema';

/**
 * A small, honest evaluator for IAM identity policies, as used by
 * SimulatePrincipalPolicy:
 *   - Effect Allow / Deny; an explicit Deny always wins, else any Allow allows,
 *     else the decision is an implicit deny.
 *   - Action / NotAction with `*` and `?` wildcards, case-insensitive.
 *   - Resource / NotResource with `*` and `?` wildcards, case-sensitive,
 *     matched against the resource string exactly as given (a `*` in the
 *     requested resource is a literal character, not a wildcard).
 * Not modeled: Condition blocks (ignored: a statement with a Condition is
 * treated as if the condition held), policy variables (`${aws:username}` is
 * matched literally), permissions boundaries, session policies, SCPs and
 * resource-based policies.
 */

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export type SourcePolicyType = 'role' | 'user-managed' | 'aws-managed' | 'none';

export interface SourcePolicy {
  id: string;
  type: SourcePolicyType;
  document: PolicyDocument;
}

export interface MatchedStatement {
  SourcePolicyId: string;
  SourcePolicyType: SourcePolicyType;
  Sid?: string;
}

export interface Evaluation {
  decision: Decision;
  matchedStatements: MatchedStatement[];
}

const cache = new Map<string, RegExp>();

/** `*` matches any run of characters, `?` exactly one; everything else is literal. */
export function wildcardMatch(
  pattern: string,
  value: string,
  caseInsensitive: boolean,
): boolean {
  if (pattern === '*') return true;
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const source = pattern
      .split('')
      .map(c => {
        if (c === '*') return '.*';
        if (c === '?') return '.';
        return c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
      })
      .join('');
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    if (cache.size > 50_000) cache.clear();
    cache.set(key, re);
  }
  return re.test(value);
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function matchesAny(
  patterns: string[],
  value: string,
  caseInsensitive: boolean,
): boolean {
  return patterns.some(p => wildcardMatch(p, value, caseInsensitive));
}

export function statementApplies(
  statement: PolicyStatement,
  action: string,
  resource: string,
): boolean {
  const actionOk =
    statement.Action !== undefined
      ? matchesAny(asList(statement.Action), action, true)
      : !matchesAny(asList(statement.NotAction), action, true);
  if (!actionOk) return false;
  if (statement.Resource !== undefined)
    return matchesAny(asList(statement.Resource), resource, false);
  if (statement.NotResource !== undefined)
    return !matchesAny(asList(statement.NotResource), resource, false);
  return false;
}

export function evaluate(
  policies: SourcePolicy[],
  action: string,
  resource: string,
): Evaluation {
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  for (const policy of policies) {
    for (const statement of policy.document.Statement) {
      if (!statementApplies(statement, action, resource)) continue;
      const match: MatchedStatement = {
        SourcePolicyId: policy.id,
        SourcePolicyType: policy.type,
        ...(statement.Sid ? { Sid: statement.Sid } : {}),
      };
      (statement.Effect === 'Deny' ? denies : allows).push(match);
    }
  }
  if (denies.length > 0)
    return { decision: 'explicitDeny', matchedStatements: denies };
  if (allows.length > 0)
    return { decision: 'allowed', matchedStatements: allows };
  return { decision: 'implicitDeny', matchedStatements: [] };
}
