import { createHash, randomBytes } from 'node:crypto';
import { WorldState } from '../world/state';

/**
 * Who is calling. Keys issued by AssumeRole are stateless: `ASIA` + the
 * 12-digit account + 4 random characters, with a session token that carries
 * the role, session name and expiry (so they survive a simulator restart).
 * Any other access key id acts as the world's `callerAccount`.
 */
export interface Caller {
  accountId: string;
  accessKeyId: string;
  arn: string;
  userId: string;
  /** Set for assumed-role sessions. */
  roleName?: string;
}

export type CallerResult = Caller | { problem: 'invalid' | 'expired' };

const ISSUED_KEY = /^ASIA(\d{12})[A-Z0-9]{4}$/;
const TOKEN_PREFIX = 'FwoGZXIvYXdzESIM';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface SessionClaims {
  a: string;
  r: string;
  s: string;
  e: number;
}

function randomChars(n: number): string {
  return Array.from(randomBytes(n), b => ALPHABET[b % ALPHABET.length]).join(
    '',
  );
}

/** A stable, IAM-looking unique id (AROA..., AIDA...) for a name. */
export function uniqueId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return (
    prefix +
    Array.from(digest.subarray(0, 17), b => ALPHABET[b % ALPHABET.length]).join(
      '',
    )
  );
}

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export function issueCredentials(
  accountId: string,
  roleName: string,
  sessionName: string,
  expiresAt: Date,
): IssuedCredentials {
  const claims: SessionClaims = {
    a: accountId,
    r: roleName,
    s: sessionName,
    e: expiresAt.getTime(),
  };
  return {
    AccessKeyId: `ASIA${accountId}${randomChars(4)}`,
    SecretAccessKey: randomBytes(30).toString('base64'),
    SessionToken:
      TOKEN_PREFIX + Buffer.from(JSON.stringify(claims)).toString('base64url'),
    Expiration: expiresAt,
  };
}

function decodeClaims(token: string | undefined): SessionClaims | undefined {
  if (!token || !token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const v = JSON.parse(
      Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString(
        'utf8',
      ),
    ) as Partial<SessionClaims>;
    if (
      typeof v.a === 'string' &&
      typeof v.r === 'string' &&
      typeof v.s === 'string' &&
      typeof v.e === 'number'
    ) {
      return v as SessionClaims;
    }
  } catch {
    // not one of ours
  }
  return undefined;
}

export function assumedRoleArn(
  partition: string,
  accountId: string,
  roleName: string,
  sessionName: string,
): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

export function resolveCaller(
  state: WorldState,
  accessKeyId: string,
  sessionToken: string | undefined,
  nowMs: number,
): CallerResult {
  const { partition, callerAccount, readerRoleName } = state.spec;
  const issued = ISSUED_KEY.exec(accessKeyId);
  if (issued) {
    const accountId = issued[1];
    if (!state.account(accountId)) return { problem: 'invalid' };
    const claims = decodeClaims(sessionToken);
    if (claims && claims.a !== accountId) return { problem: 'invalid' };
    if (claims && claims.e <= nowMs) return { problem: 'expired' };
    const roleName = claims?.r ?? readerRoleName;
    const sessionName = claims?.s ?? 'aws-simulator';
    return {
      accountId,
      accessKeyId,
      roleName,
      arn: assumedRoleArn(partition, accountId, roleName, sessionName),
      userId: `${uniqueId('AROA', `${accountId}/${roleName}`)}:${sessionName}`,
    };
  }
  if (!state.account(callerAccount)) return { problem: 'invalid' };
  return {
    accountId: callerAccount,
    accessKeyId,
    arn: `arn:${partition}:iam::${callerAccount}:user/aws-simulator`,
    userId: uniqueId('AIDA', `${callerAccount}/aws-simulator`),
  };
}
