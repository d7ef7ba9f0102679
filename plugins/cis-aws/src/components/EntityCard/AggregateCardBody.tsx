import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import {
  EntityRefLink,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  AccountSummary,
  EntityResultResponse,
  VERDICT_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { useEntityResult } from '../../hooks';
import { DetectionRollupLine } from '../Detection';
import { accountReasonTitle, VerdictStatus } from '../common';
import { LoadError } from './LoadState';
import { MappingProblems, NotMapped } from './NotMapped';
import { VerdictHeadline } from './VerdictHeadline';
import { ago, DISPLAY_ORDER, displayRank, WRAPPED_LIST_TEXT } from './text';

/** How many accounts the card lists before pointing at the details tab. */
const MAX_ACCOUNTS = 8;

/** The card of a system, a team, or any entity mapping several accounts. */
export function AggregateCardBody(props: { entity: Entity }) {
  const entityRef = stringifyEntityRef(props.entity);
  const entityLink = useEntityRefLink();
  // The backend counts every account and sends the worst few.
  const { loading, error, value, retry } = useEntityResult(entityRef, {
    limit: MAX_ACCOUNTS,
  });
  if (loading) return <Progress />;
  if (error) return <LoadError error={error} retry={retry} />;
  if (!value) return null;
  return (
    <AggregateResult
      result={value}
      kind={props.entity.kind}
      detailsLink={`${entityLink(props.entity)}/cis-aws`}
    />
  );
}

function verdictTitle(verdict: EntityResultResponse['verdict']): string {
  return verdict === 'PENDING'
    ? 'Not evaluated yet'
    : VERDICT_DESCRIPTIONS[verdict].title;
}

function AccountRow(props: { account: AccountSummary }) {
  const { account } = props;
  const why =
    account.verdict === 'PASS'
      ? `Passing; unchanged since ${ago(account.verdictSince)}`
      : accountReasonTitle(account) ??
        VERDICT_DESCRIPTIONS[account.verdict].title;
  const stale =
    account.stale && account.lastDefinitive
      ? ` · last definitive ${account.lastDefinitive.verdict}, ${ago(
          account.lastDefinitive.evaluatedAt,
        )}`
      : '';
  return (
    <ListItem disableGutters divider data-testid="cis-account-row">
      <Box minWidth={90}>
        <VerdictStatus verdict={account.verdict} stale={account.stale} />
      </Box>
      <ListItemText
        style={WRAPPED_LIST_TEXT}
        primary={
          <EntityRefLink entityRef={account.entityRef} defaultKind="resource">
            {account.title}
          </EntityRefLink>
        }
        secondary={`${why}${stale}`}
      />
    </ListItem>
  );
}

export function AggregateResult(props: {
  result: EntityResultResponse;
  kind: string;
  /** The entity's CIS tab, where each account's detection is listed. */
  detailsLink: string;
}) {
  const { result, kind, detailsLink } = props;
  const pending = result.pendingAccountIds;
  const accounts = [...result.accounts].sort(
    (a, b) => displayRank(a.verdict) - displayRank(b.verdict),
  );
  const shown = Math.min(accounts.length, MAX_ACCOUNTS);
  const chips = DISPLAY_ORDER.filter(
    v => v !== 'NOT_MAPPED' && (result.counts[v] ?? 0) > 0,
  );

  if (
    result.verdict === 'NOT_MAPPED' &&
    accounts.length === 0 &&
    pending.length === 0
  ) {
    return (
      <Box>
        <MappingProblems problems={result.problems} />
        {result.problems.length === 0 && <NotMapped kind={kind} />}
      </Box>
    );
  }

  return (
    <Box>
      <VerdictHeadline
        verdict={result.verdict}
        title={verdictTitle(result.verdict)}
      />
      <Box
        display="flex"
        flexWrap="wrap"
        style={{ gap: 4 }}
        mb={1}
        data-testid="cis-counts"
      >
        {chips.map(verdict => (
          <Chip
            key={verdict}
            size="small"
            label={`${result.counts[verdict]} ${verdict}`}
          />
        ))}
        {pending.length > 0 && (
          <Chip
            size="small"
            variant="outlined"
            label={`${pending.length} PENDING`}
          />
        )}
        {(result.counts.NOT_MAPPED ?? 0) > 0 && (
          <Chip
            size="small"
            variant="outlined"
            label={`${result.counts.NOT_MAPPED} NOT MAPPED`}
          />
        )}
      </Box>
      <MappingProblems problems={result.problems} />
      <DetectionRollupLine
        detection={result.detection}
        detailsLink={detailsLink}
      />
      {pending.length > 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="cis-pending"
        >
          Not evaluated yet: {pending.join(', ')}. New accounts are evaluated
          within a minute of appearing in the catalog.
        </Typography>
      )}
      {shown > 0 && (
        <List dense disablePadding>
          {accounts.slice(0, MAX_ACCOUNTS).map(account => (
            <AccountRow key={account.accountId} account={account} />
          ))}
        </List>
      )}
      {result.accountCount > shown && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="cis-more"
        >
          and {result.accountCount - shown} more accounts: see the details.
        </Typography>
      )}
    </Box>
  );
}
