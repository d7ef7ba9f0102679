import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  AccountMapping,
  AccountSummary,
  ApiError,
  cisAwsEvaluatePermission,
  DetectionActionDiagnostic,
  DetectionDiagnostic,
  DIAGNOSTIC_STATUSES,
  DiagnosticsReport,
  DiagnosticStatus,
  OrganizationsDiagnostic,
  ReaderRoleDiagnostic,
  SecurityHubDiagnostic,
} from '@cis-aws/plugin-cis-aws-common';
import type { AccountClients } from '../aws/clients';
import {
  countCloudTrail5Findings,
  probeOrganization,
  probeReaderRole,
} from '../aws/probes';
import {
  DETECTION_PROBE_ACTIONS,
  DetectionActionProbe,
  probeDetectionActions,
} from '../aws/detectionProbes';
import { forEachWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import { EvaluationStore, listAllAccounts } from '../storage/EvaluationStore';
import { requirePermission } from './permissions';

/**
 * Whether what an evaluation needs is reachable: Security Hub, Organizations, reader roles, and
 * the reader role's detection actions.
 */
export interface DiagnosticsService {
  /** 403 unless the caller may run evaluations (`cis-aws.account.evaluate`: admins). */
  getDiagnostics(options: {
    credentials: BackstageCredentials;
  }): Promise<DiagnosticsReport>;
}

/** The settings the diagnosis reads. */
export interface DiagnosticsOptions {
  securityHub: {
    enabled: boolean;
    administratorAccountId?: string;
    region: string;
  };
  partition: string;
  /** `cisAws.detection`: whether its actions are needed at all, and TestMetricFilter among them. */
  detection: { enabled: boolean; testMetricFilter: boolean };
}

/** Live calls are bounded: a page of the admin view must not become a full run. */
export const DIAGNOSTICS_LIMITS = {
  /** GetFindings pages of 100 read to count the administrator's findings. */
  findingsPages: 3,
  /** Accounts without a recorded result whose reader role is assumed now. */
  liveRoleProbes: 10,
  /** Role probes at once. */
  concurrency: 4,
};

const NO_FINDINGS_HINT =
  'Security Hub answers but shows no CloudTrail.5 finding while the catalog has accounts: ' +
  'either cisAws.securityHub.administratorAccountId names the wrong account (or region), or the ' +
  'member accounts are not invited to it / not aggregated into this region, or the CIS or AWS ' +
  'Foundational standard is not enabled in them. Until then every account shows no Security Hub ' +
  'opinion ("UNKNOWN").';

const READER_ROLE_HINT =
  'Deploy the reader role in this account (aws.accountDefaults.roleName) and let the portal’s ' +
  'principal assume it (its trust policy, and the external id if one is configured).';

/** What {@link DefaultDiagnosticsService} is made of. */
export interface DiagnosticsServiceDeps {
  aws: { forAccount(accountId: string): Promise<AccountClients> };
  store: Pick<EvaluationStore, 'listAccounts' | 'getAccount' | 'listRuns'>;
  /** Where the accounts of the catalog come from (the engine's `readCatalog`). */
  catalog: { readCatalog(): Promise<{ mappings: AccountMapping[] }> };
  permissions: PermissionsService;
  options: DiagnosticsOptions;
  now?: () => Date;
}

export class DefaultDiagnosticsService implements DiagnosticsService {
  private constructor(
    private readonly deps: DiagnosticsServiceDeps & { now: () => Date },
  ) {}

  static create(deps: DiagnosticsServiceDeps): DiagnosticsService {
    return new DefaultDiagnosticsService({
      ...deps,
      now: deps.now ?? (() => new Date()),
    });
  }

  async getDiagnostics(options: {
    credentials: BackstageCredentials;
  }): Promise<DiagnosticsReport> {
    await requirePermission(
      this.deps.permissions,
      options.credentials,
      cisAwsEvaluatePermission,
      'see the diagnostics',
    );
    const [stored, catalog, runs] = await Promise.all([
      listAllAccounts(this.deps.store),
      this.deps.catalog.readCatalog(),
      this.deps.store.listRuns(1),
    ]);
    const accountCount = new Set([
      ...stored.map(a => a.accountId),
      ...catalog.mappings.map(m => m.accountId),
    ]).size;
    const [securityHub, organizations, detection, readerRoles] =
      await Promise.all([
        this.securityHub(accountCount),
        this.organizations(stored),
        this.detection(stored),
        this.readerRoles(stored, catalog.mappings),
      ]);
    const readerRoleTotals = Object.fromEntries(
      DIAGNOSTIC_STATUSES.map(status => [
        status,
        readerRoles.filter(r => r.status === status).length,
      ]),
    ) as Record<DiagnosticStatus, number>;
    const [run] = runs;
    return {
      generatedAt: this.deps.now().toISOString(),
      securityHub,
      organizations,
      detection,
      readerRoles,
      readerRoleTotals,
      ...(run
        ? {
            lastRun: {
              id: run.id,
              startedAt: run.startedAt,
              finishedAt: run.finishedAt,
              status: run.status,
              errors: run.errors,
            },
          }
        : {}),
    };
  }

  private async clientsFor(
    accountId: string,
  ): Promise<{ clients?: AccountClients; error?: ApiError }> {
    try {
      const clients = await this.deps.aws.forAccount(accountId);
      const { error } = await probeReaderRole(clients);
      return error ? { error } : { clients };
    } catch (error) {
      return {
        error: {
          operation: 'sts:AssumeRole',
          code: 'CredentialsUnavailable',
          message: toError(error).message,
        },
      };
    }
  }

  /** The configured administrator, reached live: one AssumeRole and a few GetFindings pages. */
  private async securityHub(
    accountCount: number,
  ): Promise<SecurityHubDiagnostic> {
    const { enabled, administratorAccountId, region } =
      this.deps.options.securityHub;
    const checkedAt = this.deps.now().toISOString();
    const base = { administratorAccountId, region, checkedAt };
    if (!enabled) {
      return {
        ...base,
        status: 'SKIPPED',
        source: 'CONFIG',
        summary:
          'Security Hub is turned off (cisAws.securityHub.enabled: false): no second opinion is read.',
      };
    }
    if (!administratorAccountId) {
      return {
        ...base,
        status: 'PROBLEM',
        source: 'CONFIG',
        summary:
          'Security Hub is on but no administrator account is configured.',
        hint: 'Set cisAws.securityHub.administratorAccountId to the Security Hub delegated administrator (or aggregator) account, or set cisAws.securityHub.enabled: false.',
      };
    }
    const reached = await this.clientsFor(administratorAccountId);
    if (!reached.clients) {
      return {
        ...base,
        status: 'PROBLEM',
        source: 'LIVE',
        error: reached.error,
        summary: `The reader role in the Security Hub administrator ${administratorAccountId} cannot be assumed.`,
        hint: READER_ROLE_HINT,
      };
    }
    const count = await countCloudTrail5Findings(reached.clients, {
      region,
      partition: this.deps.options.partition,
      maxPages: DIAGNOSTICS_LIMITS.findingsPages,
    });
    if (count.error) {
      return {
        ...base,
        status: 'PROBLEM',
        source: 'LIVE',
        error: count.error,
        summary: `Security Hub in ${administratorAccountId} (${region}) could not be read: ${count.error.code}.`,
        hint: 'The reader role there needs securityhub:GetFindings, and Security Hub must be enabled in that account and region.',
      };
    }
    const counted = `${count.findings}${count.capped ? '+' : ''}`;
    if (count.findings === 0 && accountCount > 0) {
      return {
        ...base,
        status: 'PROBLEM',
        source: 'LIVE',
        findings: 0,
        findingsCapped: false,
        summary: `The administrator ${administratorAccountId} (${region}) sees no active CloudTrail.5 finding for ${accountCount} accounts.`,
        hint: NO_FINDINGS_HINT,
      };
    }
    return {
      ...base,
      status: 'OK',
      source: 'LIVE',
      findings: count.findings,
      findingsCapped: count.capped,
      summary: `The administrator ${administratorAccountId} (${region}) sees ${counted} active CloudTrail.5 findings.`,
    };
  }

  /**
   * The account whose reader role answers the organization-wide questions (Organizations, the
   * detection actions): the Security Hub administrator if one is configured, else the first
   * evaluated account; none before anything has been evaluated.
   */
  private askFromAccount(stored: AccountSummary[]): string | undefined {
    return (
      this.deps.options.securityHub.administratorAccountId ??
      stored[0]?.accountId
    );
  }

  /**
   * DescribeOrganization through one reader role: the Security Hub administrator's if one is
   * configured, else the first evaluated account's. Any member may call it; the collector needs
   * it for organization trails' `o-<orgid>_*` streams.
   */
  private async organizations(
    stored: AccountSummary[],
  ): Promise<OrganizationsDiagnostic> {
    const checkedAt = this.deps.now().toISOString();
    const accountId = this.askFromAccount(stored);
    if (!accountId) {
      return {
        status: 'UNKNOWN',
        source: 'LIVE',
        checkedAt,
        summary: 'No account to ask from: nothing has been evaluated yet.',
      };
    }
    const reached = await this.clientsFor(accountId);
    if (!reached.clients) {
      return {
        status: 'UNKNOWN',
        source: 'LIVE',
        checkedAt,
        askedFromAccountId: accountId,
        error: reached.error,
        summary: `Organizations was not asked: the reader role in ${accountId} cannot be assumed.`,
        hint: READER_ROLE_HINT,
      };
    }
    const organization = await probeOrganization(reached.clients);
    if (organization.error) {
      return {
        status: 'PROBLEM',
        source: 'LIVE',
        checkedAt,
        askedFromAccountId: accountId,
        error: organization.error,
        summary: `Organizations could not be read from ${accountId}: ${organization.error.code}.`,
        hint: 'Allow organizations:DescribeOrganization to the reader role: without the organization id the o-<organization id>_* streams of organization trails go unchecked (warning ORGANIZATION_STREAMS_NOT_CHECKED).',
      };
    }
    if (organization.notInOrganization) {
      return {
        status: 'SKIPPED',
        source: 'LIVE',
        checkedAt,
        askedFromAccountId: accountId,
        summary: `${accountId} belongs to no organization: organization trails do not apply.`,
      };
    }
    return {
      status: 'OK',
      source: 'LIVE',
      checkedAt,
      askedFromAccountId: accountId,
      organizationId: organization.organizationId,
      summary: `Organizations answers from ${accountId}: organization ${organization.organizationId}.`,
    };
  }

  /**
   * The four actions detection collection calls, each called once through one reader role (the
   * account Organizations is asked from) in the Security Hub region. Which ones the role lacks,
   * and what each lack does to the detection results.
   */
  private async detection(
    stored: AccountSummary[],
  ): Promise<DetectionDiagnostic> {
    const checkedAt = this.deps.now().toISOString();
    const { enabled, testMetricFilter } = this.deps.options.detection;
    if (!enabled) {
      return {
        status: 'SKIPPED',
        source: 'CONFIG',
        checkedAt,
        actions: [],
        summary:
          'Detection content is turned off (cisAws.detection.enabled: false): its actions are not needed.',
      };
    }
    const region = this.deps.options.securityHub.region;
    const accountId = this.askFromAccount(stored);
    const skipped = (action: string): DetectionActionDiagnostic => ({
      action,
      status: 'SKIPPED',
      summary:
        'Not called: cisAws.detection.testMetricFilter is false, so patterns are judged by the local evaluator only.',
    });
    const probed = DETECTION_PROBE_ACTIONS.filter(
      action => testMetricFilter || action !== 'logs:TestMetricFilter',
    );
    const notAsked = (status: DiagnosticStatus, summary: string) =>
      DETECTION_PROBE_ACTIONS.map(action =>
        probed.includes(action) ? { action, status, summary } : skipped(action),
      );
    if (!accountId) {
      return {
        status: 'UNKNOWN',
        source: 'LIVE',
        checkedAt,
        region,
        actions: notAsked('UNKNOWN', 'Not asked.'),
        summary: 'No account to ask from: nothing has been evaluated yet.',
      };
    }
    const reached = await this.clientsFor(accountId);
    if (!reached.clients) {
      return {
        status: 'UNKNOWN',
        source: 'LIVE',
        checkedAt,
        askedFromAccountId: accountId,
        region,
        error: reached.error,
        actions: notAsked('UNKNOWN', 'Not asked.'),
        summary: `The detection actions were not asked: the reader role in ${accountId} cannot be assumed.`,
        hint: READER_ROLE_HINT,
      };
    }
    const answers = await probeDetectionActions(reached.clients, {
      region,
      partition: this.deps.options.partition,
      actions: probed,
    });
    const actions = DETECTION_PROBE_ACTIONS.map(action => {
      const answer = answers.find(a => a.action === action);
      return answer ? detectionActionDiagnostic(answer) : skipped(action);
    });
    const refused = actions.filter(a => a.status === 'PROBLEM');
    const unknown = actions.filter(a => a.status === 'UNKNOWN');
    const base = {
      source: 'LIVE' as const,
      checkedAt,
      askedFromAccountId: accountId,
      region,
      actions,
    };
    if (refused.length > 0) {
      return {
        ...base,
        status: 'PROBLEM',
        error: refused[0].error,
        summary: `The reader role in ${accountId} (${region}) may not call ${refused
          .map(a => a.action)
          .join(', ')}.`,
        hint: detectionHint(refused.map(a => a.action)),
      };
    }
    if (unknown.length > 0) {
      return {
        ...base,
        status: 'UNKNOWN',
        error: unknown[0].error,
        summary: `${unknown
          .map(a => a.action)
          .join(', ')} could not be checked in ${accountId} (${region}): ${
          unknown[0].error?.code ?? 'no answer'
        }.`,
        hint: 'Check again later; an error that persists also makes the detection results ERROR.',
      };
    }
    const allowed = actions.filter(a => a.status === 'OK');
    return {
      ...base,
      status: 'OK',
      summary: `The reader role in ${accountId} (${region}) may call ${allowed
        .map(a => a.action)
        .join(', ')}.`,
    };
  }

  /**
   * From the last recorded result where there is one (an account whose collection got past
   * AssumeRole had its role assumed then); a live AssumeRole for a bounded number of accounts
   * the catalog has but no run has evaluated yet.
   */
  private async readerRoles(
    stored: AccountSummary[],
    catalog: AccountMapping[],
  ): Promise<ReaderRoleDiagnostic[]> {
    const results: ReaderRoleDiagnostic[] = [];
    for (const account of stored) {
      results.push(await this.fromLastResult(account));
    }
    const known = new Set(stored.map(a => a.accountId));
    const unevaluated = catalog.filter(m => !known.has(m.accountId));
    const probed = unevaluated.slice(0, DIAGNOSTICS_LIMITS.liveRoleProbes);
    const live: ReaderRoleDiagnostic[] = new Array(probed.length);
    await forEachWithConcurrency(
      probed,
      DIAGNOSTICS_LIMITS.concurrency,
      async (mapping, index) => {
        const { error } = await this.clientsFor(mapping.accountId);
        const checkedAt = this.deps.now().toISOString();
        live[index] = error
          ? {
              accountId: mapping.accountId,
              title: mapping.title,
              status: 'PROBLEM',
              source: 'LIVE',
              checkedAt,
              error,
              summary: `Not evaluated yet, and its reader role cannot be assumed: ${error.code}.`,
              hint: READER_ROLE_HINT,
            }
          : {
              accountId: mapping.accountId,
              title: mapping.title,
              status: 'OK',
              source: 'LIVE',
              checkedAt,
              summary: 'Not evaluated yet; its reader role can be assumed.',
            };
      },
    );
    results.push(...live);
    for (const mapping of unevaluated.slice(probed.length)) {
      results.push({
        accountId: mapping.accountId,
        title: mapping.title,
        status: 'UNKNOWN',
        source: 'LIVE',
        checkedAt: this.deps.now().toISOString(),
        summary: `Not evaluated yet and not probed (at most ${DIAGNOSTICS_LIMITS.liveRoleProbes} accounts are probed at once).`,
      });
    }
    const order = (status: DiagnosticStatus) =>
      ['PROBLEM', 'UNKNOWN', 'OK', 'SKIPPED'].indexOf(status);
    return results.sort(
      (a, b) =>
        order(a.status) - order(b.status) ||
        a.accountId.localeCompare(b.accountId),
    );
  }

  private async fromLastResult(
    account: AccountSummary,
  ): Promise<ReaderRoleDiagnostic> {
    const base = {
      accountId: account.accountId,
      title: account.title,
      source: 'LAST_RUN' as const,
      checkedAt: account.evaluatedAt,
    };
    // Only an ERROR result can hide a refused AssumeRole; read the evaluation only for those.
    const assumeError =
      account.verdict === 'ERROR'
        ? (
            await this.deps.store.getAccount(account.accountId)
          )?.evaluation.inventory.inventoryErrors.find(
            e => e.operation === 'sts:AssumeRole',
          )
        : undefined;
    if (assumeError || account.reason === 'READER_ROLE_DENIED') {
      return {
        ...base,
        status: 'PROBLEM',
        error: assumeError,
        summary: `The reader role could not be assumed at the last evaluation${
          assumeError ? `: ${assumeError.code}` : ''
        }.`,
        hint: READER_ROLE_HINT,
      };
    }
    return {
      ...base,
      status: 'OK',
      summary: 'The reader role was assumed at the last evaluation.',
    };
  }
}

/** What the reader role's answer for one detection action means. */
function detectionActionDiagnostic(
  answer: DetectionActionProbe,
): DetectionActionDiagnostic {
  const { action, error } = answer;
  if (answer.allowed) {
    return { action, status: 'OK', summary: 'Allowed.' };
  }
  if (answer.denied) {
    return {
      action,
      status: 'PROBLEM',
      error,
      summary:
        action === 'logs:TestMetricFilter'
          ? 'Without it, patterns are judged by the local evaluator instead of CloudWatch Logs.'
          : 'Without it, every detection check ends ERROR (API_ERROR).',
    };
  }
  return {
    action,
    status: 'UNKNOWN',
    error,
    summary: `Could not be checked: ${error?.code ?? 'no answer'}.`,
  };
}

/** What to do about the refused detection actions, in plain words. */
function detectionHint(refused: string[]): string {
  const collection = refused.filter(a => a !== 'logs:TestMetricFilter');
  const parts: string[] = [];
  if (collection.length > 0) {
    parts.push(
      `Add ${collection.join(', ')} to the reader role's policy: without ${
        collection.length === 1 ? 'it' : 'them'
      } no detection check can be judged, and each ends ERROR.`,
    );
  }
  if (refused.includes('logs:TestMetricFilter')) {
    parts.push(
      "Add logs:TestMetricFilter to the reader role's policy so CloudWatch Logs itself judges the patterns, or set cisAws.detection.testMetricFilter: false to judge them with the local evaluator only.",
    );
  }
  parts.push('Or turn detection off (cisAws.detection.enabled: false).');
  return parts.join(' ');
}
