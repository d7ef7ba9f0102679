import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { paginateGetFindings, StringFilter } from '@aws-sdk/client-securityhub';
import { ApiError } from '@cis-aws/plugin-cis-aws-common';
import {
  CLOUDTRAIL_5_GENERATOR_IDS,
  CLOUDTRAIL_5_SECURITY_CONTROL_ID,
  DESCRIBE_ORGANIZATION,
} from '../rules';
import { AccountClients } from './clients';
import { errorCode, toApiError } from './errors';

/*
 * Small, bounded reads for the diagnostics view: is the reader role assumable, does the Security
 * Hub administrator see CloudTrail.5 findings, is Organizations readable. Each answers with data,
 * never throws.
 */

/** Assumes the account's reader role; the refusal, if any. */
export async function probeReaderRole(
  clients: Pick<AccountClients, 'resolveCredentials'>,
): Promise<{ error?: ApiError }> {
  try {
    await clients.resolveCredentials();
    return {};
  } catch (error) {
    return { error: toApiError('sts:AssumeRole', error) };
  }
}

const equals = (...values: string[]): StringFilter[] =>
  values.map(Value => ({ Value, Comparison: 'EQUALS' }));

/**
 * How many active CloudTrail.5 findings the account (the Security Hub administrator) sees, up to
 * `maxPages` pages of 100 (GetFindings allows ~3 requests/s; a diagnosis needs "none" vs "some",
 * not the exact number).
 */
export async function countCloudTrail5Findings(
  clients: AccountClients,
  options: { region: string; partition: string; maxPages: number },
): Promise<{ findings: number; capped: boolean; error?: ApiError }> {
  const filter: Record<string, StringFilter[]> =
    options.partition === 'aws'
      ? {
          ComplianceSecurityControlId: equals(CLOUDTRAIL_5_SECURITY_CONTROL_ID),
        }
      : { GeneratorId: equals(...CLOUDTRAIL_5_GENERATOR_IDS) };
  let findings = 0;
  let pages = 0;
  try {
    for await (const page of paginateGetFindings(
      { client: clients.securityHub(options.region), pageSize: 100 },
      { Filters: { ...filter, RecordState: equals('ACTIVE') } },
    )) {
      findings += page.Findings?.length ?? 0;
      pages += 1;
      if (pages >= options.maxPages) {
        return { findings, capped: Boolean(page.NextToken) };
      }
    }
    return { findings, capped: false };
  } catch (error) {
    return {
      findings,
      capped: false,
      error: toApiError('securityhub:GetFindings', error, options.region),
    };
  }
}

/** The organization the account belongs to, or why it could not be read. */
export async function probeOrganization(clients: AccountClients): Promise<{
  organizationId?: string;
  /** The account is in no organization: organization trails do not apply. */
  notInOrganization?: boolean;
  error?: ApiError;
}> {
  try {
    const { Organization } = await clients
      .organizations()
      .send(new DescribeOrganizationCommand({}));
    return { organizationId: Organization?.Id };
  } catch (error) {
    if (errorCode(error) === 'AWSOrganizationsNotInUseException') {
      return { notInOrganization: true };
    }
    return { error: toApiError(DESCRIBE_ORGANIZATION, error) };
  }
}
