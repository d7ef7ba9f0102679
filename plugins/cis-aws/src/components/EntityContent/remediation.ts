/**
 * What to do about a failing link, filled in with the trail's own names and ARNs. Pure: every
 * name comes from the facts the backend collected, or from ARNs, or (when nothing is configured
 * yet) from a documented default.
 */
import type {
  AccountEvaluation,
  ApiError,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { describeApiError } from '../common';
import {
  json,
  permissionPolicy,
  POLICY_NAME,
  readerPolicy,
  roleNameFromArn,
  trailNames,
  TrailNames,
  trustPolicy,
} from './names';

export * from './names';

export interface RemediationDocument {
  /** The file name the command reads (`file://trust.json`). */
  fileName: string;
  content: string;
}

export interface RemediationStep {
  title: string;
  /** A copyable AWS CLI command (or several lines of them). */
  command?: string;
  documents?: RemediationDocument[];
}

export interface Remediation {
  /** The reason code it fixes. */
  reason: string;
  /** What to do, in one sentence. */
  summary: string;
  steps: RemediationStep[];
}

const trustDoc = (): RemediationDocument => ({
  fileName: 'trust.json',
  content: trustPolicy(),
});
const policyDoc = (n: TrailNames): RemediationDocument => ({
  fileName: 'policy.json',
  content: permissionPolicy(n),
});

export const createLogGroupStep = (n: TrailNames): RemediationStep => ({
  title: `Create the log group ${n.logGroupName} in ${n.logGroupRegion}`,
  command: `aws logs create-log-group --log-group-name ${n.logGroupName} --region ${n.logGroupRegion}`,
});

export const createRoleStep = (n: TrailNames): RemediationStep => ({
  title: `Create the role ${n.roleName}, trusted by CloudTrail`,
  command: `aws iam create-role --role-name ${n.roleName}${
    n.rolePath !== '/' ? ` --path ${n.rolePath}` : ''
  } --assume-role-policy-document file://trust.json`,
  documents: [trustDoc()],
});

export const putRolePolicyStep = (n: TrailNames): RemediationStep => ({
  title: `Let ${n.roleName} write to ${n.logGroupName}`,
  command: `aws iam put-role-policy --role-name ${n.roleName} --policy-name ${POLICY_NAME} --policy-document file://policy.json`,
  documents: [policyDoc(n)],
});

export const updateTrailStep = (n: TrailNames): RemediationStep => ({
  title: `Point the trail ${n.trailName} at the log group and the role`,
  command: `aws cloudtrail update-trail --name ${n.trailName} --region ${n.homeRegion} --cloud-watch-logs-log-group-arn ${n.logGroupArn} --cloud-watch-logs-role-arn ${n.roleArn}`,
});

export const trailStatusStep = (n: TrailNames): RemediationStep => ({
  title:
    'Read the trail status (LatestCloudWatchLogsDeliveryError says what fails)',
  command: `aws cloudtrail get-trail-status --name ${n.trailArn} --region ${n.homeRegion}`,
});

function apiErrorList(errors: ApiError[]): string {
  return errors
    .map(e => describeApiError(e, { withMessage: false }))
    .join('; ');
}

/** The remediation of one trail, or undefined when it passes or is another account's business. */
export function trailRemediation(
  trail: TrailEvaluation,
): Remediation | undefined {
  if (trail.inheritedFrom) return undefined;
  const reason =
    trail.reason === 'EXCEPTION' ? trail.underlyingReason : trail.reason;
  if (!reason) return undefined;
  const f = trail.facts;
  const n = trailNames(f);
  switch (reason) {
    case 'NO_LOG_GROUP': {
      const steps = [createLogGroupStep(n)];
      if (!f.roleArn) steps.push(createRoleStep(n));
      steps.push(putRolePolicyStep(n), updateTrailStep(n));
      return {
        reason,
        summary: `Create a CloudWatch Logs log group ${n.logGroupName}${
          f.roleArn ? '' : ' and a role CloudTrail can use'
        } and configure trail ${n.trailName} to deliver to it.`,
        steps,
      };
    }
    case 'LOG_GROUP_NOT_FOUND':
      return {
        reason,
        summary: `Re-create the log group ${n.logGroupName} the trail points at and re-apply the trail's CloudWatch Logs settings.`,
        steps: [
          createLogGroupStep(n),
          putRolePolicyStep(n),
          updateTrailStep(n),
        ],
      };
    case 'NO_ROLE':
    case 'ROLE_NOT_FOUND':
      return {
        reason,
        summary:
          reason === 'NO_ROLE'
            ? `Create the role ${n.roleName} that CloudTrail assumes to write to ${n.logGroupName}, and set it on trail ${n.trailName}.`
            : `Re-create the deleted role ${n.roleName} (trusted by CloudTrail, allowed to write to ${n.logGroupName}).`,
        steps: [createRoleStep(n), putRolePolicyStep(n), updateTrailStep(n)],
      };
    case 'ROLE_NOT_TRUSTED':
      return {
        reason,
        summary: `Replace the trust policy of ${n.roleName} so that cloudtrail.amazonaws.com may assume it (without aws:SourceArn/aws:SourceAccount conditions).`,
        steps: [
          {
            title: `Set the trust policy of ${n.roleName}`,
            command: `aws iam update-assume-role-policy --role-name ${n.roleName} --policy-document file://trust.json`,
            documents: [trustDoc()],
          },
        ],
      };
    case 'ROLE_CANNOT_WRITE':
      return {
        reason,
        summary: `Give ${n.roleName} logs:CreateLogStream and logs:PutLogEvents on the streams of ${n.logGroupName}, and remove any Deny on them.`,
        steps: [putRolePolicyStep(n)],
      };
    case 'NOT_LOGGING':
      return {
        reason,
        summary: `Turn logging back on for trail ${n.trailName}.`,
        steps: [
          {
            title: `Start logging on ${n.trailName}`,
            command: `aws cloudtrail start-logging --name ${n.trailArn} --region ${n.homeRegion}`,
          },
        ],
      };
    case 'NEVER_DELIVERED':
    case 'DELIVERY_STALE': {
      const error =
        f.status.state === 'READ'
          ? f.status.latestCloudWatchLogsDeliveryError
          : null;
      return {
        reason,
        summary: `Find out why CloudTrail ${
          reason === 'NEVER_DELIVERED'
            ? 'never delivered'
            : 'stopped delivering'
        } to ${n.logGroupName}: ${
          error ? `the delivery error is "${error}"; ` : ''
        }check the role ${n.roleName} and the log group, then re-apply them.`,
        steps: [
          trailStatusStep(n),
          {
            title: `Check that ${n.roleName} may still write to the log group`,
            command: `aws iam simulate-principal-policy --policy-source-arn ${n.roleArn} --action-names logs:CreateLogStream logs:PutLogEvents --resource-arns arn:${n.partition}:logs:${n.logGroupRegion}:${n.logGroupAccountId}:log-group:${n.logGroupName}:log-stream:${n.accountId}_CloudTrail_${n.homeRegion}`,
          },
          putRolePolicyStep(n),
          updateTrailStep(n),
        ],
      };
    }
    case 'API_ERROR':
      return {
        reason,
        summary: `Let the portal's reader role read this trail (failed: ${
          apiErrorList(f.apiErrors) || trail.detail || 'see the errors'
        }), or evaluate again if the call was throttled.`,
        steps: [
          {
            title: 'Permissions the reader role needs',
            documents: [
              { fileName: 'reader-policy.json', content: readerPolicy() },
            ],
          },
        ],
      };
    case 'FOREIGN_ORG_TRAIL':
      return {
        reason,
        summary: `Map the owner account ${f.ownerAccountId} of this organization trail in the catalog so its evaluation applies here.`,
        steps: [],
      };
    case 'HOME_REGION_UNREACHABLE':
      return {
        reason,
        summary:
          f.ownerAccountId !== f.seenFromAccountId
            ? `Map the owner account ${f.ownerAccountId} of this organization trail in the catalog so its evaluation applies here, or enable the trail's home region ${f.homeRegion} for this account.`
            : `Enable the region ${f.homeRegion} for this account (or allow it in the service control policy) so the trail can be read.`,
        steps: [],
      };
    case 'EXCEPTION':
      // Only ever the reason of the exception itself; what it exempts is underlyingReason.
      return undefined;
    default: {
      // A reason added to the contract fails to compile here until it has its remediation.
      const unhandled: never = reason;
      return unhandled;
    }
  }
}

const ASSUME_DENIED =
  /User: (\S+) is not authorized to perform: sts:AssumeRole on resource: (\S+)/;

/** Account-level remediation: no trails at all, or an account that could not be read. */
export function accountRemediation(
  evaluation: AccountEvaluation,
): Remediation | undefined {
  const reason =
    evaluation.reason === 'EXCEPTION'
      ? evaluation.underlyingReason
      : evaluation.reason;
  const inv = evaluation.inventory;
  const partition = inv.partition || 'aws';
  const accountId = evaluation.accountId;
  if (reason === 'NO_TRAILS') {
    const region = inv.regionsScanned[0] ?? 'us-east-1';
    const trailName = 'management-events';
    const n = trailNames({
      arn: `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`,
      name: trailName,
      seenFromAccountId: accountId,
      ownerAccountId: accountId,
      homeRegion: region,
      isMultiRegion: true,
      isOrganizationTrail: false,
      logGroupArn: null,
      roleArn: null,
      status: {
        state: 'FAILED',
        error: { operation: '', code: '', message: '' },
      },
      logGroup: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      apiErrors: [],
    });
    return {
      reason,
      summary: `Create a multi-region trail in ${region} that delivers to CloudWatch Logs, and start it.`,
      steps: [
        {
          title: `Create the trail ${trailName} (the S3 bucket must exist with a bucket policy that lets CloudTrail write)`,
          command: `aws cloudtrail create-trail --name ${trailName} --s3-bucket-name aws-cloudtrail-logs-${accountId} --is-multi-region-trail --region ${region}`,
        },
        createLogGroupStep(n),
        createRoleStep(n),
        putRolePolicyStep(n),
        updateTrailStep(n),
        {
          title: 'Start logging',
          command: `aws cloudtrail start-logging --name ${trailName} --region ${region}`,
        },
      ],
    };
  }
  if (
    evaluation.verdict !== 'ERROR' &&
    reason !== 'INCOMPLETE_INVENTORY' &&
    reason !== 'READER_ROLE_DENIED'
  )
    return undefined;
  const errors = [
    ...inv.inventoryErrors,
    ...inv.regionsFailed.flatMap(r => r.errors),
  ];
  const assume = errors.find(e => e.operation === 'sts:AssumeRole');
  if (assume) {
    const match = ASSUME_DENIED.exec(assume.message);
    const portal = match?.[1] ?? 'PORTAL_PRINCIPAL_ARN';
    const readerRole =
      match?.[2] ?? `arn:${partition}:iam::${accountId}:role/READER_ROLE`;
    const { name } = roleNameFromArn(readerRole);
    return {
      reason: 'ERROR',
      summary: `The portal's reader role could not be assumed in this account: let ${portal} assume ${readerRole} and give the role read access to CloudTrail, CloudWatch Logs and IAM.`,
      steps: [
        {
          title: `In account ${accountId}, trust the portal's principal`,
          command: `aws iam update-assume-role-policy --role-name ${name} --policy-document file://reader-trust.json`,
          documents: [
            {
              fileName: 'reader-trust.json',
              content: json({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { AWS: portal },
                    Action: 'sts:AssumeRole',
                  },
                ],
              }),
            },
          ],
        },
        {
          title: `Give ${name} read access`,
          command: `aws iam put-role-policy --role-name ${name} --policy-name CisAwsReader --policy-document file://reader-policy.json`,
          documents: [
            { fileName: 'reader-policy.json', content: readerPolicy() },
          ],
        },
      ],
    };
  }
  return {
    reason: reason ?? 'ERROR',
    summary: `Some calls failed (${
      apiErrorList(errors) || evaluation.detail || 'see the evidence'
    }): grant the reader role the access below if they were denied, otherwise evaluate again.`,
    steps: [
      {
        title: 'Permissions the reader role needs',
        documents: [
          { fileName: 'reader-policy.json', content: readerPolicy() },
        ],
      },
    ],
  };
}
