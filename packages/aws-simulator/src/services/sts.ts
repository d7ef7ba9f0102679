import {
  assumedRoleArn,
  issueCredentials,
  uniqueId,
} from '../identity/credentials';
import { AwsError } from '../protocols/errors';
import { QueryInput } from '../protocols/query';
import { QueryService, RequestContext } from './types';

const ROLE_ARN =
  /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

/**
 * Only the reader role (world.readerRoleName) of an account can be assumed,
 * and only when the account is `assumable`. ExternalId is accepted but not
 * checked; trust policies are not evaluated.
 */
function assumeRole(ctx: RequestContext, input: QueryInput): object {
  const { state, caller, realNowMs } = ctx;
  const roleArn = input.string('RoleArn');
  const sessionName = input.string('RoleSessionName');
  const duration = input.optionalInteger('DurationSeconds', 900, 43200) ?? 3600;
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw validation(`${roleArn} is invalid`);
  const [, , accountId, roleName] = m;
  const target = state.account(accountId);
  const denied = new AwsError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  if (
    !target ||
    !target.spec.assumable ||
    roleName !== state.spec.readerRoleName
  )
    throw denied;
  const maxDuration = caller.roleName
    ? 3600
    : state.role(accountId, roleName)?.maxSessionDuration ?? 3600;
  if (duration > maxDuration) {
    throw validation(
      caller.roleName
        ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  // Credentials expire on the caller's clock, even while the world's is set to another day.
  const expiresAt = new Date(
    Math.floor(realNowMs / 1000) * 1000 + duration * 1000,
  );
  const credentials = issueCredentials(
    accountId,
    roleName,
    sessionName,
    expiresAt,
  );
  return {
    Credentials: credentials,
    AssumedRoleUser: {
      AssumedRoleId: `${uniqueId(
        'AROA',
        `${accountId}/${roleName}`,
      )}:${sessionName}`,
      Arn: assumedRoleArn(
        state.spec.partition,
        accountId,
        roleName,
        sessionName,
      ),
    },
  };
}

function getCallerIdentity(ctx: RequestContext): object {
  return {
    UserId: ctx.caller.userId,
    Account: ctx.caller.accountId,
    Arn: ctx.caller.arn,
  };
}

export const sts: QueryService = {
  name: 'sts',
  protocol: 'query',
  global: false,
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  version: '2011-06-15',
  operations: {
    AssumeRole: assumeRole,
    GetCallerIdentity: getCallerIdentity,
  },
};
