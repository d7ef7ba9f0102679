import { CheckResult } from '@backstage-community/plugin-tech-insights-common';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  StatusError,
  StatusOK,
  WarningPanel,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { Box, Button, Divider, Typography } from '@material-ui/core';
import { Fragment, useEffect, useState } from 'react';
import {
  CIS_AWS_CHECK_IDS,
  latestFactLists,
  runEntityChecks,
} from './runChecks';

/** The accounts named by list facts, by fact name; an error when they could not be read. */
type AccountLists = { byFact: Record<string, string[]>; error?: Error };

type LoadState =
  | { status: 'loading' }
  | { status: 'error'; error: Error }
  | { status: 'loaded'; results: CheckResult[]; lists: AccountLists };

/** The outcome a check's result metadata states, and the list fact behind a failure. */
function outcomeOf(check: CheckResult['check']): {
  outcome?: string;
  accountsFact?: string;
} {
  const metadata = (check as { metadata?: Record<string, unknown> }).metadata;
  return {
    outcome:
      typeof metadata?.outcome === 'string' ? metadata.outcome : undefined,
    accountsFact:
      typeof metadata?.accountsFact === 'string'
        ? metadata.accountsFact
        : undefined,
  };
}

/** "this entity" in a check's words, for the kind of entity the scorecard is on. */
export function kindWord(kind: string): string {
  switch (kind.toLocaleLowerCase('en-US')) {
    case 'group':
      return 'team';
    case 'resource':
      return 'resource';
    default:
      return kind.toLocaleLowerCase('en-US');
  }
}

/** Our checks first, in their order, then any other the backend answered. */
function inScorecardOrder(results: CheckResult[]): CheckResult[] {
  const rank = (result: CheckResult) => {
    const index = (CIS_AWS_CHECK_IDS as readonly string[]).indexOf(
      result.check.id,
    );
    return index === -1 ? CIS_AWS_CHECK_IDS.length : index;
  };
  return [...results].sort((a, b) => rank(a) - rank(b));
}

/** A fact's value as a person reads it. */
export function formatFactValue(name: string, value: unknown): string {
  if (name === 'cisAwsOldestFailureDays' && typeof value === 'number') {
    return `${value} ${value === 1 ? 'day' : 'days'}`;
  }
  return String(value);
}

function FactList(props: { facts: CheckResult['facts'] }) {
  const entries = Object.entries(props.facts);
  if (entries.length === 0) return null;
  return (
    <Box component="dl" m={0} mt={0.5} data-testid="cis-aws-scorecard-facts">
      {entries.map(([name, fact]) => (
        <Box key={name} display="flex" style={{ gap: 8 }}>
          <Typography component="dt" variant="body2" color="textSecondary">
            {fact.description || name}:
          </Typography>
          <Typography
            component="dd"
            variant="body2"
            style={{ margin: 0 }}
            data-fact={name}
          >
            {formatFactValue(name, fact.value)}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

function AccountList(props: { fact: string; lists: AccountLists }) {
  const { fact, lists } = props;
  if (lists.error) {
    return (
      <Typography variant="body2" color="textSecondary">
        The accounts behind this result could not be read:{' '}
        {String(lists.error.message)}
      </Typography>
    );
  }
  const refs = lists.byFact[fact];
  if (!refs || refs.length === 0) return null;
  return (
    <Box mt={0.5}>
      <Typography variant="body2">Accounts:</Typography>
      <Box component="ul" m={0} pl={3} data-testid="cis-aws-scorecard-accounts">
        {refs.map(ref => (
          <li key={ref}>
            <EntityRefLink entityRef={ref} />
          </li>
        ))}
      </Box>
    </Box>
  );
}

function CheckRow(props: {
  result: CheckResult;
  kind: string;
  lists: AccountLists;
}) {
  const { check, facts, result } = props.result;
  const passed = result === true;
  const notMapped = facts.cisAwsVerdict?.value === 'NOT_MAPPED';
  const { outcome, accountsFact } = outcomeOf(check);
  const heading = outcome
    ? outcome.replace(/\bthis entity\b/g, `this ${kindWord(props.kind)}`)
    : check.name;
  return (
    <Box
      py={1}
      data-testid="cis-aws-scorecard-check"
      data-check-id={check.id}
      data-result={passed ? 'pass' : 'fail'}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        {passed ? (
          <StatusOK>Passed</StatusOK>
        ) : (
          <StatusError>Failed</StatusError>
        )}
        <Typography variant="subtitle2">{heading}</Typography>
      </Box>
      {notMapped && (
        <Typography variant="body2" color="textSecondary">
          No AWS account maps to this entity, so nothing can fail.
        </Typography>
      )}
      {!passed && accountsFact && (
        <AccountList fact={accountsFact} lists={props.lists} />
      )}
      <FactList facts={facts} />
      {check.description && (
        <Typography variant="caption" color="textSecondary" component="p">
          {/* The pass criterion, named as such: never read as what happened. */}
          {outcome ? `Check "${check.name}": ` : ''}
          {check.description}
        </Typography>
      )}
      {check.links?.map(link => (
        <Typography key={link.url} variant="body2">
          <Link to={link.url}>{link.title}</Link>
        </Typography>
      ))}
    </Box>
  );
}

function Scorecard(props: {
  results: CheckResult[];
  kind: string;
  lists: AccountLists;
}) {
  const results = inScorecardOrder(props.results);
  if (results.length === 0) {
    return (
      <Typography variant="body2" data-testid="cis-aws-scorecard-empty">
        No CIS AWS facts for this entity yet. The CIS AWS fact retriever records
        them on its cadence (every minute in the demo) for every AWS account,
        system and team the cis-aws backend knows.
      </Typography>
    );
  }
  const passing = results.filter(r => r.result === true).length;
  return (
    <>
      <Typography variant="body1" data-testid="cis-aws-scorecard-summary">
        {passing} of {results.length} checks pass
      </Typography>
      {results.map((result, index) => (
        <Fragment key={result.check.id}>
          {index > 0 && <Divider />}
          <CheckRow result={result} kind={props.kind} lists={props.lists} />
        </Fragment>
      ))}
    </>
  );
}

/**
 * The CIS AWS scorecard of an entity: the Tech Insights checks of the
 * cis-aws module (2.4 compliance, 2.4 failures fixed within 7 days, and detection content:
 * someone is alerted), each with its
 * result and the facts behind it, as the tech-insights backend evaluates
 * them on the entity's latest facts.
 */
export function CisAwsScorecardCard() {
  const { entity } = useEntity();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<LoadState>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    const apis = { discoveryApi, fetchApi };
    const entityRef = { kind, namespace, name };
    runEntityChecks(apis, entityRef, CIS_AWS_CHECK_IDS)
      .then(async results => {
        // The accounts behind a failure are a list fact the rules do not read, so the
        // checker does not return it: read it from the entity's latest facts.
        const wanted = results.some(
          r => r.result !== true && outcomeOf(r.check).accountsFact,
        );
        let lists: AccountLists = { byFact: {} };
        if (wanted) {
          lists = await latestFactLists(apis, entityRef).then(
            byFact => ({ byFact }),
            (error: Error) => ({ byFact: {}, error }),
          );
        }
        if (current) setState({ status: 'loaded', results, lists });
      })
      .catch(error => current && setState({ status: 'error', error }));
    return () => {
      current = false;
    };
  }, [discoveryApi, fetchApi, kind, namespace, name, attempt]);

  let body;
  if (state.status === 'loading') {
    body = <Progress />;
  } else if (state.status === 'error') {
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not run the CIS AWS checks"
        message={state.error.message}
      >
        <Button size="small" onClick={() => setAttempt(n => n + 1)}>
          Retry
        </Button>
      </WarningPanel>
    );
  } else {
    body = (
      <Scorecard results={state.results} kind={kind} lists={state.lists} />
    );
  }

  return (
    <InfoCard
      title="CIS AWS scorecard"
      subheader="Tech Insights checks on the latest facts: CIS 2.4 (CloudTrail to CloudWatch Logs) and detection (CIS 3.x)"
    >
      <div data-testid="cis-aws-scorecard">{body}</div>
    </InfoCard>
  );
}
