import { ReactNode } from 'react';
import { Progress } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AccountDetail,
  VERDICT_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { useAccountResult } from '../../hooks';
import { AccountWhy, Exemptions, StaleNotice } from './AccountWhy';
import { isNotFound, LoadError, NotEvaluatedYet } from './LoadState';
import { VerdictHeadline } from './VerdictHeadline';
import { ResultFreshness } from '../ResultFreshness';
import { dateAndAgo, Time } from '../common';
import { DetectionCardLine } from '../Detection/DetectionCardLine';

/**
 * The card of one account: loads its result and shows it. `fromOrganization`: the entity comes
 * from the AWS Organizations provider, where an owner is an account tag, not YAML.
 */
export function AccountCardBody(props: {
  accountId: string;
  fromOrganization?: boolean;
}) {
  const { accountId, fromOrganization } = props;
  const { loading, error, value, retry } = useAccountResult(accountId);
  // A reload of a shown result (ResultFreshness saw a newer one) keeps it on screen meanwhile.
  if (loading && !value) return <Progress />;
  if (error) {
    return isNotFound(error) ? (
      <NotEvaluatedYet accountId={accountId} retry={retry} />
    ) : (
      <LoadError error={error} retry={retry} />
    );
  }
  if (!value) return null;
  return (
    <>
      <AccountResult account={value} fromOrganization={fromOrganization} />
      <ResultFreshness
        accountId={accountId}
        evaluatedAt={value.evaluatedAt}
        onNewerResult={retry}
      />
    </>
  );
}

const SECURITY_HUB_STATUS = {
  PASS: 'PASSED',
  FAIL: 'FAILED',
  UNKNOWN: 'no result',
} as const;

function Fact(props: { children: ReactNode; testId?: string }) {
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      data-testid={props.testId}
    >
      {props.children}
    </Typography>
  );
}

export function AccountResult(props: {
  account: AccountDetail;
  fromOrganization?: boolean;
}) {
  const { account, fromOrganization } = props;
  const description = VERDICT_DESCRIPTIONS[account.verdict];
  const hub = account.securityHub;
  return (
    <Box>
      <VerdictHeadline verdict={account.verdict} title={description.title} />
      <Typography variant="body2" gutterBottom>
        {account.title}
      </Typography>

      <AccountWhy account={account} />
      <Exemptions account={account} />
      <StaleNotice account={account} />
      <DetectionCardLine summary={account.detection} />

      <Box mt={2}>
        <Fact testId="cis-owner">
          Owner:{' '}
          {account.ownerRef ? (
            <EntityRefLink entityRef={account.ownerRef} defaultKind="group" />
          ) : (
            `nobody, so its failures reach no team (${
              fromOrganization
                ? 'tag the account with its owner in AWS Organizations'
                : 'set spec.owner on the account entity'
            })`
          )}
        </Fact>
        {account.failingSince && (
          <Fact testId="cis-aws-failing-since">
            Failing since {dateAndAgo(account.failingSince)}
            {account.verdict !== 'FAIL' &&
              ' (not shown to be fixed since: errors and exceptions do not reset it)'}
          </Fact>
        )}
        {!(account.failingSince && account.verdict === 'FAIL') && (
          <Fact testId="cis-aws-since">
            {description.title} since {dateAndAgo(account.verdictSince)}
          </Fact>
        )}
        <Fact testId="cis-last-evaluated">
          Last evaluated <Time iso={account.evaluatedAt} />
        </Fact>
        <Fact testId="cis-last-delivery">
          Last delivery to CloudWatch Logs{' '}
          {account.latestDeliveryTime ? (
            <Time iso={account.latestDeliveryTime} />
          ) : (
            'unknown'
          )}
        </Fact>
        {hub && (
          <Fact testId="cis-security-hub">
            Security Hub: {SECURITY_HUB_STATUS[hub.status]}
            {hub.agrees === false && (
              <Typography component="span" variant="body2" color="error">
                {' '}
                — disagrees with this check
              </Typography>
            )}
            {hub.agrees === true && ' — agrees'}
          </Fact>
        )}
      </Box>
    </Box>
  );
}
