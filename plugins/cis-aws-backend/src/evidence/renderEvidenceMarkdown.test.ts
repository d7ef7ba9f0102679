import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import { buildEvidencePacket } from './buildEvidencePacket';
import { renderEvidenceMarkdown } from './renderEvidenceMarkdown';
import {
  ACCOUNT,
  anEvaluation,
  anException,
  anInput,
  daysBefore,
  MANAGEMENT_ACCOUNT,
  OWN_TRAIL_ARN,
  ownTrail,
} from './__fixtures__/evidence';

function render(packet: EvidencePacket = buildEvidencePacket(anInput())) {
  return renderEvidenceMarkdown(packet);
}

/** The table row (one line) that contains every fragment. */
function renderInput(overrides: Parameters<typeof anInput>[0]) {
  return render(buildEvidencePacket(anInput(overrides)));
}

function row(markdown: string, ...fragments: string[]): string {
  const found = markdown
    .split('\n')
    .find(
      line =>
        line.startsWith('|') &&
        fragments.every(fragment => line.includes(fragment)),
    );
  if (!found) {
    throw new Error(`No table row with ${fragments.join(' + ')}`);
  }
  return found;
}

/** The section from a heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`No section ${heading}`);
  const level = heading.split(' ')[0];
  const rest = markdown.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return next < 0 ? rest : rest.slice(0, next);
}

/** Cells of a table row, splitting on unescaped pipes. */
function cells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map(cell => cell.trim());
}

describe('renderEvidenceMarkdown', () => {
  it('opens with the account, the control statement and the scope', () => {
    const markdown = render();
    expect(
      markdown.startsWith(
        '# CIS AWS 2.4 evidence: payments-prod (111111111111)\n',
      ),
    ).toBe(true);
    expect(row(markdown, 'Owner')).toContain('`group:default/payments-team`');
    expect(row(markdown, 'As of')).toContain('2026-03-31 12:00:00 UTC');
    expect(markdown).toContain(
      '**Control statement.** ACME-SEC-12: every production AWS account sends CloudTrail to CloudWatch Logs.',
    );
    expect(markdown).toContain(
      '**Scope.** All accounts in the ACME organization, production and staging.',
    );
    expect(markdown).toContain('at most 24 hours old');
  });

  it('summarises the verdict in words, since when and when it was evaluated', () => {
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
          underlyingVerdict: 'FAIL',
          underlyingReason: 'TRAIL_FAILED',
        }),
        verdictSince: daysBefore(3),
      }),
    );
    const result = section(render(packet), '## Result');
    expect(result).toContain('Verdict: **FAIL** (failing).');
    expect(row(result, 'Reason')).toContain(
      '`TRAIL_FAILED`: A trail is failing. At least one trail of the account does not deliver to CloudWatch Logs correctly.',
    );
    expect(row(result, 'Since')).toContain('2026-03-28 12:00:00 UTC');
    expect(row(result, 'Evaluated at')).toContain('2026-03-31 10:48:00 UTC');
    expect(row(result, 'Regions skipped')).toContain('`af-south-1`');
  });

  it("shows a trail's configuration, delivery status and log group with its retention", () => {
    const trail = section(render(), '### Trail `main`: PASS');
    expect(row(trail, 'CloudWatchLogsRoleArn')).toContain(
      '`arn:aws:iam::111111111111:role/CloudTrail_CloudWatchLogs_Role`',
    );
    expect(row(trail, 'Multi-region')).toContain('yes');
    expect(row(trail, 'Logging')).toContain('yes');
    expect(row(trail, 'Last CloudWatch Logs delivery |')).toContain(
      '2026-03-31 11:45:36 UTC',
    );
    expect(row(trail, 'Last CloudWatch Logs delivery error')).toContain('none');
    const logGroup = section(trail, '#### Log group');
    expect(row(logGroup, 'Name')).toContain('`CloudTrail/Default`');
    expect(row(logGroup, 'ARN')).toContain(
      '`arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/Default:*`',
    );
    expect(row(logGroup, 'Retention')).toContain('365 days');
  });

  it('says when a log group keeps logs forever', () => {
    const facts = ownTrail().facts;
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          trails: [
            ownTrail({
              facts: {
                ...facts,
                logGroup: { ...facts.logGroup, retentionInDays: null } as never,
              },
            }),
          ],
        }),
      }),
    );
    expect(row(render(packet), 'Retention')).toContain(
      'none set: logs never expire',
    );
  });

  it("reproduces the role's trust policy and each permission policy, pretty-printed", () => {
    const role = section(render(), '#### IAM role');
    expect(row(role, 'Trusts CloudTrail')).toContain(
      'ALLOWED: statement 1 lets CloudTrail assume the role',
    );
    expect(role).toContain(
      [
        '**Trust policy**',
        '',
        '```json',
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        '    {',
        '      "Effect": "Allow",',
        '      "Principal": {',
        '        "Service": "cloudtrail.amazonaws.com"',
        '      },',
        '      "Action": "sts:AssumeRole"',
        '    }',
        '  ]',
        '}',
        '```',
      ].join('\n'),
    );
    expect(role).toContain(
      '**Permission policy: cloudtrail-to-logs** (inline)',
    );
    expect(role).toContain(
      '**Permission policy: LogsWriter** (managed, `arn:aws:iam::111111111111:policy/LogsWriter`)',
    );
    expect(role).toContain('"Sid": "AWSCloudTrailCreateLogStream",');
    expect(role).toContain('"Action": "logs:PutLogEvents",');
  });

  it('shows a policy document that is not JSON as it is, in a block it cannot close', () => {
    const facts = ownTrail().facts;
    const role = facts.role as Extract<typeof facts.role, { state: 'FOUND' }>;
    const packet = buildEvidencePacket(
      anInput({
        evaluation: anEvaluation({
          trails: [
            ownTrail({
              facts: {
                ...facts,
                role: {
                  ...role,
                  trust: { ...role.trust, document: 'not json ``` # heading' },
                },
              },
            }),
          ],
        }),
      }),
    );
    expect(render(packet)).toContain('````json\nnot json ``` # heading\n````');
  });

  it("shows an organization trail's inherited verdict and why its chain is not shown here", () => {
    const org = section(render(), '### Trail `org`: PASS');
    expect(row(org, 'Verdict taken from')).toContain(
      `\`${MANAGEMENT_ACCOUNT}\``,
    );
    expect(org).toContain(
      "The trail's status is not readable from this account",
    );
    expect(org).toContain('The role belongs to another account');
  });

  it('lists the Security Hub findings', () => {
    const hub = section(render(), '## Security Hub (CloudTrail.5)');
    expect(hub).toContain(
      "Security Hub's status: **PASS**; it agrees with the verdict.",
    );
    expect(cells(row(hub, 'finding-own-trail'))).toEqual([
      '`finding-own-trail`',
      `\`${OWN_TRAIL_ARN}\``,
      '`us-east-1`',
      'PASS',
      '`PASSED`',
      '2026-03-31 04:48:00 UTC',
    ]);
  });

  it('lists one verification per day and the verdict changes of the period', () => {
    const history = section(
      render(),
      '## Verification history (2026-03-01 12:00:00 UTC to 2026-03-31 12:00:00 UTC)',
    );
    expect(cells(row(history, '2026-03-28 |'))).toEqual([
      '2026-03-28',
      '2026-03-28 12:00:00 UTC',
      'FAIL',
      '`TRAIL_FAILED`',
    ]);
    expect(cells(row(history, '2026-03-30 |'))).toEqual([
      '2026-03-30',
      '2026-03-30 12:00:00 UTC',
      'PASS',
      '—',
    ]);
    const changes = section(history, '### Verdict changes');
    expect(cells(row(changes, '2026-03-29 12:00:00 UTC'))).toEqual([
      '2026-03-29 12:00:00 UTC',
      'the account',
      'FAIL',
      'PASS',
      '—',
    ]);
  });

  it("lists detection's verdict changes and failure episodes in the history, beside 2.4's", () => {
    const packet: EvidencePacket = {
      ...buildEvidencePacket(anInput()),
      detection: {
        changes: [
          {
            to: 'FAIL',
            reason: 'NO_FILTER',
            changedAt: '2026-03-10T12:00:00.000Z',
          },
          {
            from: 'FAIL',
            to: 'PASS',
            changedAt: '2026-03-12T14:30:00.000Z',
          },
          {
            from: 'PASS',
            to: 'FAIL',
            reason: 'NO_CONFIRMED_SUBSCRIBER',
            changedAt: '2026-03-20T12:00:00.000Z',
          },
        ],
        episodes: [
          {
            startedAt: '2026-03-10T12:00:00.000Z',
            reason: 'NO_FILTER',
            endedAt: '2026-03-12T14:30:00.000Z',
          },
          {
            startedAt: '2026-03-20T12:00:00.000Z',
            reason: 'NO_CONFIRMED_SUBSCRIBER',
          },
        ],
      },
    };
    const history = section(
      render(packet),
      '## Verification history (2026-03-01 12:00:00 UTC to 2026-03-31 12:00:00 UTC)',
    );
    // 2.4's changes stay as they were, apart from detection's.
    expect(section(history, '### Verdict changes')).not.toContain('NO_FILTER');
    const changes = section(history, '### Detection verdict changes (CIS 3.x)');
    expect(cells(row(changes, '2026-03-10 12:00:00 UTC'))).toEqual([
      '2026-03-10 12:00:00 UTC',
      '(first result)',
      'FAIL',
      '`NO_FILTER`',
    ]);
    expect(cells(row(changes, '2026-03-12 14:30:00 UTC'))).toEqual([
      '2026-03-12 14:30:00 UTC',
      'FAIL',
      'PASS',
      '—',
    ]);
    const episodes = section(
      history,
      '### Detection failure episodes (CIS 3.x)',
    );
    expect(cells(row(episodes, '2026-03-10 12:00:00 UTC'))).toEqual([
      '2026-03-10 12:00:00 UTC',
      '2026-03-12 14:30:00 UTC',
      '2 d 2 h',
      '`NO_FILTER`',
    ]);
    expect(cells(row(episodes, '2026-03-20 12:00:00 UTC'))).toEqual([
      '2026-03-20 12:00:00 UTC',
      'still failing',
      '—',
      '`NO_CONFIRMED_SUBSCRIBER`',
    ]);
    // Said once: the detection section points to the history instead of repeating it.
    expect(
      section(render(packet), '## Detection content (CIS 3.x, beside 2.4)'),
    ).not.toContain('2026-03-12 14:30:00 UTC');
  });

  it('says so when detection did not change in the period, and has no detection history without a detection section', () => {
    const quiet = render({
      ...buildEvidencePacket(anInput()),
      detection: { changes: [], episodes: [] },
    });
    expect(section(quiet, '### Detection verdict changes (CIS 3.x)')).toContain(
      'No detection verdict changed in this period.',
    );
    expect(
      section(quiet, '### Detection failure episodes (CIS 3.x)'),
    ).toContain('No detection failure episode in this period.');
    expect(render()).not.toContain('Detection verdict changes');
  });

  it('lists the exceptions, the active one highlighted, and who created and revoked them', () => {
    const exceptions = section(render(), '## Exceptions');
    expect(exceptions).toContain(
      '**1 exception was in force** at 2026-03-31 12:00:00 UTC: `exc-active`.',
    );
    expect(cells(row(exceptions, '`exc-active`', 'ACTIVE'))).toEqual([
      '`exc-active`',
      '**ACTIVE**',
      `trail \`${OWN_TRAIL_ARN}\``,
      'Trail being migrated to the organization trail',
      '`user:default/alice`, 2026-03-21 12:00:00 UTC',
      '`user:default/ciso`, 2026-03-21 12:00:00 UTC',
      '2026-04-20 12:00:00 UTC',
      '—',
      '[ticket](https://tickets.example.com/SEC-101)',
    ]);
    expect(row(exceptions, '`exc-revoked`', 'REVOKED')).toContain(
      '2026-03-26 12:00:00 UTC by `user:default/bob`: Decommissioning cancelled',
    );
    const audit = section(exceptions, '### Audit trail of the exceptions');
    expect(cells(row(audit, 'REVOKED'))).toEqual([
      '2026-03-26 12:00:00 UTC',
      '`exc-revoked`',
      'REVOKED',
      '`user:default/bob`',
      'Decommissioning cancelled',
    ]);
    expect(row(audit, 'CREATED', '`exc-active`')).toContain(
      '`user:default/alice`',
    );
  });

  it('says who requested and who decided each exception, marks legacy grants, and shows comments', () => {
    const legacy = anException({
      id: 'exc-legacy',
      approvedBy: 'Jane Roe (CISO)',
      legacySingleStep: true,
    });
    const pending = anException({
      id: 'exc-pending',
      state: 'PENDING',
      approvedBy: undefined,
      approvedAt: undefined,
    });
    const rejected = anException({
      id: 'exc-rejected',
      state: 'REJECTED',
      approvedBy: undefined,
      approvedAt: undefined,
      rejectedBy: 'user:default/ciso',
      rejectedAt: '2026-03-22T12:00:00.000Z',
      decisionComment: 'Fix it instead',
    });
    const exceptions = section(
      renderInput({
        exceptions: [legacy, pending, rejected],
        exceptionEvents: [
          {
            exceptionId: 'exc-rejected',
            accountId: legacy.accountId,
            action: 'REJECTED',
            actor: 'user:default/ciso',
            at: '2026-03-22T12:00:00.000Z',
            comment: 'Fix it instead',
            details: {},
          },
        ],
      }),
      '## Exceptions',
    );
    expect(row(exceptions, '`exc-legacy`')).toContain(
      '`Jane Roe (CISO)`, 2026-03-21 12:00:00 UTC (legacy single-step grant: approver named by the granter, not verified)',
    );
    expect(row(exceptions, '`exc-pending`')).toContain('pending approval');
    expect(row(exceptions, '`exc-rejected`')).toContain(
      'rejected by `user:default/ciso`, 2026-03-22 12:00:00 UTC: Fix it instead',
    );
    const audit = section(exceptions, '### Audit trail of the exceptions');
    expect(cells(row(audit, 'REJECTED'))).toEqual([
      '2026-03-22 12:00:00 UTC',
      '`exc-rejected`',
      'REJECTED',
      '`user:default/ciso`',
      'Fix it instead',
    ]);
  });

  it('keeps tables intact whatever the free text holds', () => {
    const packet = buildEvidencePacket(
      anInput({
        exceptions: [
          anException({
            reason:
              'pipes | and `ticks` and <script>alert(1)</script>\nnew line',
          }),
        ],
        exceptionEvents: [],
      }),
    );
    const line = row(render(packet), '`exc-active`', 'ACTIVE');
    expect(cells(line)).toHaveLength(9);
    expect(line).toContain(
      'pipes \\| and \\`ticks\\` and \\<script\\>alert(1)\\</script\\> new line',
    );
  });

  it('answers the audit questions from the data', () => {
    const answers = section(
      render(),
      '## Answers to the usual audit questions',
    );
    expect(answers).toContain(
      '**Is this enabled in every account and every region?**',
    );
    expect(answers).toContain(
      '- Every region: yes. The multi-region trails `main`, `org` (organization trail owned by `999999999999`) deliver to CloudWatch Logs',
    );
    expect(answers).toContain(
      '- Organization trail: the account is covered by `org` (organization trail owned by `999999999999`), verdict PASS.',
    );
    expect(answers).toContain(
      'skipped as not enabled for the account: `af-south-1`',
    );
    expect(answers).toContain('- Exceptions: 1 approved exception in force');
    expect(answers).toContain(
      "The trust policy and 2 permission policies are reproduced in the trail's section.",
    );
    expect(answers).toContain(
      '- Recurring verification: verified on 3 days of the last 30 (2 PASS, 1 FAIL), from 2026-03-28 to 2026-03-30.',
    );
    expect(answers).toContain(
      "- Drift: the account's verdict changed 2 times in the period (PASS → FAIL on 2026-03-28 12:00:00 UTC; FAIL → PASS on 2026-03-29 12:00:00 UTC).",
    );
    expect(answers).toContain(
      '- Continuous monitoring: AWS Security Hub control CloudTrail.5 reports PASS from 1 finding; it agrees with this evaluation.',
    );
    expect(answers).toContain(
      'The account is owned by `group:default/payments-team`',
    );
  });

  it('says so when only single-region trails deliver, naming the regions left uncovered', () => {
    const single = ownTrail();
    single.facts = { ...single.facts, isMultiRegion: false };
    const packet = buildEvidencePacket(
      anInput({ evaluation: anEvaluation({ trails: [single] }) }),
    );
    expect(render(packet)).toContain(
      '- Every region: no. Only single-region trails deliver to CloudWatch Logs, in `us-east-1`; enabled regions without one: `eu-west-1`.',
    );
  });

  it('ends with when, for whom and by what it was produced, and that no AWS call was made', () => {
    const markdown = render();
    const footer = markdown.slice(markdown.lastIndexOf('\n---\n'));
    expect(footer).toContain(
      'Produced at 2026-04-02 08:00:00 UTC for `user:default/auditor` by `@cis-aws/plugin-cis-aws-backend@0.1.0`, schema `cis-aws-evidence/v1`.',
    );
    expect(footer).toContain(
      'Produced from stored evaluations; no AWS call was made.',
    );
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it('says there is no result when the account had not been evaluated by then', () => {
    const markdown = render(
      buildEvidencePacket(anInput({ evaluation: undefined })),
    );
    expect(markdown).toContain(
      'The account had not been evaluated by 2026-03-31 12:00:00 UTC: there is no result to show.',
    );
    expect(markdown).not.toContain('## Trails');
    expect(markdown).toContain('## Verification history');
    expect(markdown).toContain('This packet cannot answer it');
  });

  it('names the account once when its title already holds the id', () => {
    const packet = buildEvidencePacket(
      anInput({
        mapping: { ...anInput().mapping, title: `payments-prod (${ACCOUNT})` },
      }),
    );
    expect(render(packet).split('\n')[0]).toBe(
      '# CIS AWS 2.4 evidence: payments-prod (111111111111)',
    );
  });
});
