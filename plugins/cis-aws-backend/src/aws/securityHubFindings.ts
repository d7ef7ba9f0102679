import { paginateGetFindings, StringFilter } from '@aws-sdk/client-securityhub';
import { ApiError } from '@cis-aws/plugin-cis-aws-common';
import {
  CLOUDTRAIL_5_GENERATOR_IDS,
  CLOUDTRAIL_5_SECURITY_CONTROL_ID,
  SecurityHubFindingInput,
} from '../rules';
import { AccountClients } from './clients';
import { toApiError } from './errors';

export interface SecurityHubReadResult {
  findings: SecurityHubFindingInput[];
  errors: ApiError[];
  pages: number;
}

const equals = (...values: string[]): StringFilter[] =>
  values.map(Value => ({ Value, Comparison: 'EQUALS' }));

/**
 * Every active CloudTrail.5 finding of every account, read once per run from
 * the Security Hub administrator (aggregator) account, 100 per page.
 *
 * By ComplianceSecurityControlId; in partitions where findings carry no
 * SecurityControlId (GovCloud, China) also by GeneratorId — a second query,
 * because Security Hub ANDs different fields. In the commercial partition
 * the second query would only read every finding twice (consolidated
 * findings' GeneratorId is `security-control/CloudTrail.5`). The rules
 * de-duplicate what both return. GetFindings is limited to about 3 req/s;
 * the SDK's retries back off when throttled.
 */
export async function readCloudTrail5Findings(
  clients: AccountClients,
  options: {
    region: string;
    partition: string;
    /** Only this account's findings (an on-demand evaluation of one account). */
    onlyAccountId?: string;
  },
): Promise<SecurityHubReadResult> {
  const { region, partition, onlyAccountId } = options;
  const account: Record<string, StringFilter[]> = onlyAccountId
    ? { AwsAccountId: equals(onlyAccountId) }
    : {};
  const queries: Record<string, StringFilter[]>[] = [
    {
      ...account,
      ComplianceSecurityControlId: equals(CLOUDTRAIL_5_SECURITY_CONTROL_ID),
    },
  ];
  if (partition !== 'aws') {
    queries.push({
      ...account,
      GeneratorId: equals(...CLOUDTRAIL_5_GENERATOR_IDS),
    });
  }
  const result: SecurityHubReadResult = { findings: [], errors: [], pages: 0 };
  for (const filter of queries) {
    // A failed page keeps the findings of the pages before it, and the error.
    try {
      for await (const page of paginateGetFindings(
        { client: clients.securityHub(region), pageSize: 100 },
        { Filters: { ...filter, RecordState: equals('ACTIVE') } },
      )) {
        result.pages += 1;
        result.findings.push(
          ...((page.Findings ?? []) as SecurityHubFindingInput[]),
        );
      }
    } catch (error) {
      result.errors.push(toApiError('securityhub:GetFindings', error, region));
    }
  }
  return result;
}
