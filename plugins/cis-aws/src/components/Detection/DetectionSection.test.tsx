import type {
  AccountDetectionResult,
  DetectionCheckResult,
} from '@cis-aws/plugin-cis-aws-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  accountDetection,
  ACCOUNT_ID,
  DETECTION_ERROR,
  DETECTION_FAIL,
  DETECTION_INHERITED,
  DETECTION_NOT_APPLICABLE,
  DETECTION_PASS,
  IAM_ACTIONS_DISABLED,
  IAM_NO_TOPIC,
  ORG_OWNER_ACCOUNT_ID,
  ORG_OWNER_SUMMARY,
  ROOT_NO_FILTER,
  ROOT_PENDING_ONLY,
  TRAIL_FILTER_MISSES,
  TRAIL_NO_ALARM,
} from '../../__fixtures__/detection';
import {
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { DetectionSection } from './DetectionSection';

setupMswServer();

const detectionPath = (id: string) =>
  `/v1/accounts/${id}/controls/cis-3.x-detection`;

async function show(result: AccountDetectionResult) {
  answer(detectionPath(result.accountId), result);
  await renderWithApis(<DetectionSection accountId={result.accountId} />);
  return screen.findByTestId('cis-detection-result');
}

function check(id: string) {
  return screen
    .getAllByTestId('cis-detection-check')
    .find(el => el.getAttribute('data-check') === id)!;
}

describe('DetectionSection', () => {
  it("shows each chain's alarm state and since when, saying what ALARM means", async () => {
    await show(DETECTION_PASS);
    expect(
      within(check('3.3')).getByTestId('cis-detection-alarm'),
    ).toHaveTextContent(
      /^Alarm: root-account-usage, actions enabled, state OK since Nov 1, 2026, .*$/,
    );
    expect(
      within(check('3.5')).getByTestId('cis-detection-alarm'),
    ).toHaveTextContent(
      /state ALARM since Nov 24, 2026, .* \(alerting: the event has been seen\)$/,
    );
    // INSUFFICIENT_DATA is said once, from its warning.
    const iam = within(check('3.4')).getByTestId('cis-detection-alarm');
    expect(iam.textContent?.match(/INSUFFICIENT_DATA/g)).toHaveLength(1);
  });

  it('says nothing of the alarm state when the result has none (stored before it was read)', async () => {
    const {
      alarmState: _s,
      alarmStateUpdatedAt: _u,
      ...chain
    } = DETECTION_PASS.checks[0].chain!;
    await show({
      ...DETECTION_PASS,
      checks: [{ ...DETECTION_PASS.checks[0], chain }],
    });
    const alarm = within(check('3.3')).getByTestId('cis-detection-alarm');
    expect(alarm).toHaveTextContent(
      /^Alarm: root-account-usage, actions enabled$/,
    );
  });

  it('shows a watched account in plain words: each check, its chain, its subscribers and its test events', async () => {
    const result = await show(DETECTION_PASS);
    expect(
      screen.getByRole('heading', { name: 'Detection (CIS 3.x)' }),
    ).toBeInTheDocument();
    expect(result).toHaveAttribute('data-verdict', 'PASS');
    expect(result).toHaveTextContent(
      'Every required check is watched: alerts reach a confirmed subscriber.',
    );
    expect(
      screen.getAllByRole('heading', { level: 4 }).map(h => h.textContent),
    ).toEqual([
      '3.3 Usage of the root user',
      '3.4 IAM policy changes',
      '3.5 CloudTrail configuration changes',
    ]);

    const root = within(check('3.3'));
    expect(root.getByTestId('cis-detection-sentence')).toHaveTextContent(
      'Root account use is detected and alerts reach 2 confirmed subscribers.',
    );
    expect(root.getByTestId('cis-detection-filter')).toHaveTextContent(
      'RootAccountUsage — pattern { $.userIdentity.type = "Root"',
    );
    expect(root.getByTestId('cis-detection-alarm')).toHaveTextContent(
      'root-account-usage, actions enabled',
    );
    expect(root.getByTestId('cis-detection-topic')).toHaveTextContent(
      'SNS topic: security-alerts',
    );
    expect(root.getByTestId('cis-detection-subscribers')).toHaveTextContent(
      '2 confirmed, 0 pending confirmation',
    );
    // The ARN is behind the details disclosure, not in the first read.
    expect(root.queryByText(/arn:aws:sns/)).not.toBeInTheDocument();
    expect(root.getByTestId('cis-detection-events')).toHaveTextContent(
      'judged by CloudWatch Logs (TestMetricFilter): every event to detect matched.',
    );
    // Every event as it should be: the rows are one click away.
    expect(root.queryByTestId('cis-detection-event')).toBeNull();
    await userEvent.click(
      root.getByRole('button', { name: 'Show the 5 test events' }),
    );
    const outcomes = root
      .getAllByTestId('cis-detection-event')
      .map(row => row.getAttribute('data-outcome'));
    expect(outcomes).toEqual([
      'matched',
      'matched',
      'not matched, as it should be',
      'not matched, as it should be',
      'not matched, as it should be',
    ]);
    expect(root.queryByTestId('cis-detection-remediation')).toBeNull();

    await userEvent.click(
      root.getByRole('button', { name: /Details of 3\.3/ }),
    );
    expect(root.getByTestId('cis-detection-details')).toHaveTextContent(
      'arn:aws:sns:eu-west-1:403344556677:security-alerts',
    );
  });

  it('says who judged a pattern and flags unrelated matches and warnings without failing', async () => {
    await show(DETECTION_PASS);
    const iam = within(check('3.4'));
    expect(iam.getByTestId('cis-detection-events')).toHaveTextContent(
      'judged by the local pattern evaluator: every event to detect matched, 1 unrelated matched.',
    );
    expect(
      iam
        .getAllByTestId('cis-detection-event')
        .filter(
          row => row.getAttribute('data-outcome') === 'matched, but unrelated',
        )
        .map(row => row.textContent),
    ).toEqual([expect.stringContaining('GetPolicy')]);
    const warnings = iam
      .getAllByTestId('cis-detection-warning')
      .map(w => w.textContent);
    expect(warnings).toEqual([
      expect.stringContaining(
        'Filter IAMPolicyChanges also matches events it should not (GetPolicy)',
      ),
      expect.stringContaining(
        'Alarm iam-policy-changes has been in INSUFFICIENT_DATA since',
      ),
    ]);
    expect(iam.getByTestId('cis-detection-alarm')).toHaveTextContent(
      'state INSUFFICIENT_DATA since',
    );
    expect(iam.getByTestId('cis-detection-subscribers')).toHaveTextContent(
      '1 confirmed, 1 pending confirmation',
    );
  });

  const failing: [DetectionCheckResult, string][] = [
    [
      ROOT_NO_FILTER,
      'Root account use is not detected: no metric filter on aws-cloudtrail-logs-payments-prod matches it.',
    ],
    [
      TRAIL_FILTER_MISSES,
      'CloudTrail configuration changes are only partly detected: filter CloudTrailChanges misses StopLogging.',
    ],
    [
      TRAIL_NO_ALARM,
      'No alarm on the metric of filter CloudTrailChanges (Storefront/Security/TrailChanges): the events are detected, but nobody is told.',
    ],
    [
      IAM_ACTIONS_DISABLED,
      'Alarm iam-policy-changes has its actions disabled: it changes state, but nobody is told.',
    ],
    [
      IAM_NO_TOPIC,
      'Alarm iam-policy-changes notifies no SNS topic: nobody is told.',
    ],
    [
      ROOT_PENDING_ONLY,
      "Nobody has confirmed a subscription to the alarm's topic (1 subscription pending confirmation): alerts reach nobody.",
    ],
  ];

  it.each(
    failing.map(([failed, sentence]) => ({
      reason: failed.reason,
      failed,
      sentence,
    })),
  )(
    'FAIL $reason: says why in words and offers the fix as CLI, Terraform and CloudFormation',
    async ({ failed, sentence }) => {
      const result = await show(accountDetection([failed]));
      expect(result).toHaveAttribute('data-verdict', 'FAIL');
      const section = within(check(failed.checkId));
      expect(check(failed.checkId)).toHaveAttribute(
        'data-reason',
        failed.reason,
      );
      expect(section.getByTestId('cis-detection-sentence')).toHaveTextContent(
        sentence,
      );
      expect(section.getByTestId('cis-detection-remediation')).toHaveAttribute(
        'data-reason',
        failed.reason,
      );
      expect(section.getByTestId('cis-detection-fix')).toHaveTextContent(
        /aws (logs|sns|cloudwatch) /,
      );
      await userEvent.click(section.getByRole('tab', { name: 'Terraform' }));
      expect(section.getByTestId('cis-detection-fix')).toHaveAttribute(
        'data-format',
        'terraform',
      );
      expect(section.getByTestId('cis-detection-fix')).toHaveTextContent(
        'resource "aws_sns_topic_subscription"',
      );
      await userEvent.click(
        section.getByRole('tab', { name: 'CloudFormation' }),
      );
      expect(section.getByTestId('cis-detection-fix')).toHaveTextContent(
        'Type: AWS::SNS::Subscription',
      );
    },
  );

  it('NO_FILTER: shows no filter as the decisive one; the filters for other events are in the details', async () => {
    await show(accountDetection([ROOT_NO_FILTER]));
    const root = within(check('3.3'));
    expect(root.queryByTestId('cis-detection-filter')).toBeNull();
    expect(root.queryByTestId('cis-detection-events')).toBeNull();
    await userEvent.click(
      root.getByRole('button', { name: /Details of 3\.3/ }),
    );
    expect(root.getByTestId('cis-detection-other-filter')).toHaveTextContent(
      'IAMPolicyChanges:',
    );
    expect(root.getByTestId('cis-detection-other-filter')).toHaveTextContent(
      'misses 2 of 2 events to detect (judged by CloudWatch Logs (TestMetricFilter))',
    );
  });

  it('names the events a filter with a typo misses', async () => {
    await show(accountDetection([TRAIL_FILTER_MISSES]));
    const trail = within(check('3.5'));
    const missed = trail
      .getAllByTestId('cis-detection-event')
      .filter(row => row.getAttribute('data-outcome') === 'missed');
    expect(missed.map(row => row.textContent)).toEqual([
      expect.stringContaining('StopLogging'),
    ]);
    expect(trail.getByTestId('cis-detection-filter')).toHaveTextContent(
      '($.eventName = StopLoging)',
    );
  });

  it('summarises a failing account by its first failing check and names the others', async () => {
    const result = await show(DETECTION_FAIL);
    expect(result).toHaveTextContent(
      'Root account use (3.3) is not watched: no metric filter; also 3.4, 3.5.',
    );
    expect(result).toHaveTextContent(/failing since/);
  });

  it('ERROR: says which AWS call failed, and offers no fix to configure', async () => {
    const result = await show(DETECTION_ERROR);
    expect(result).toHaveAttribute('data-verdict', 'ERROR');
    const root = within(check('3.3'));
    expect(root.getByTestId('cis-detection-sentence')).toHaveTextContent(
      'Could not be checked: logs:DescribeMetricFilters failed with AccessDeniedException.',
    );
    expect(root.getByRole('alert')).toHaveTextContent(
      'logs:DescribeMetricFilters in eu-west-1: AccessDeniedException, HTTP 400',
    );
    expect(root.queryByTestId('cis-detection-remediation')).toBeNull();
  });

  it('NOT_APPLICABLE: points to 2.4 when no trail delivers to a log group', async () => {
    const result = await show(DETECTION_NOT_APPLICABLE);
    expect(result).toHaveAttribute('data-verdict', 'NOT_APPLICABLE');
    expect(result).toHaveTextContent(
      'Not applicable: no trail delivers to CloudWatch Logs.',
    );
    expect(
      within(check('3.3')).getByTestId('cis-detection-sentence'),
    ).toHaveTextContent(
      'no trail of this account delivers to a CloudWatch Logs log group (CIS 2.4 fails)',
    );
    expect(screen.queryByTestId('cis-detection-remediation')).toBeNull();
  });

  it("an organization member takes its owner's result, in one line linking to the owner's account", async () => {
    answer('/v1/accounts', {
      items: [ORG_OWNER_SUMMARY],
      totalCount: 1,
      totals: { PASS: 1, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
      offset: 0,
      limit: 5,
    });
    await show(DETECTION_INHERITED);
    const line = screen.getByTestId('cis-detection-inherited');
    expect(line).toHaveTextContent(
      "this account takes the detection result of the trail's owner account",
    );
    const link = await within(line).findByRole('link', {
      name: `management (${ORG_OWNER_ACCOUNT_ID})`,
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/resource/aws-management',
    );
  });

  it('not evaluated yet (404): a calm note, not an error', async () => {
    await renderWithApis(<DetectionSection accountId={ACCOUNT_ID} />);
    expect(
      await screen.findByTestId('cis-detection-not-evaluated'),
    ).toHaveTextContent('No detection result for this account yet');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('another failure is an error with a retry', async () => {
    answer(detectionPath(ACCOUNT_ID), 'database unavailable', 503);
    await renderWithApis(<DetectionSection accountId={ACCOUNT_ID} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the detection result: database unavailable (HTTP 503)',
    );
    answer(detectionPath(ACCOUNT_ID), DETECTION_PASS);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('cis-detection-result')).toBeVisible();
  });
});
