import {
  AccountDetail,
  isDefinitiveVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  Details,
  explainApiError,
  FactList,
  reasonExplanation,
  reasonTitle,
} from '../common';
import { ExemptionDetails } from '../common';
import { ago, trailName, WRAPPED_LIST_TEXT } from './text';

/** Why an account is not passing, in plain words: the account's reason and each bad trail's. */
export function AccountWhy(props: { account: AccountDetail }) {
  const { account } = props;
  if (account.verdict === 'PASS') return null;
  const evaluation = account.evaluation;
  const reason = evaluation?.reason ?? account.reason;
  const badTrails = (evaluation?.trails ?? []).filter(trail =>
    ['FAIL', 'ERROR', 'UNKNOWN'].includes(trail.verdict),
  );
  // The reader role could not be assumed: say so in plain words, from the error as AWS gave it.
  const assumeError = evaluation?.inventory.inventoryErrors.find(
    e => e.operation === 'sts:AssumeRole',
  );
  const detail = assumeError ? explainApiError(assumeError) : undefined;
  return (
    <Box mt={1} data-testid="cis-why">
      {reason && (
        <Typography variant="subtitle2">{reasonTitle(reason)}</Typography>
      )}
      <Typography variant="body2">
        {detail ?? reasonExplanation(reason)}
      </Typography>
      {badTrails.length > 0 && (
        <List dense disablePadding>
          {badTrails.map(trail => (
            <ListItem key={trail.trailArn} disableGutters>
              <ListItemText
                style={WRAPPED_LIST_TEXT}
                primary={`${trailName(trail.trailArn)}: ${
                  reasonTitle(trail.reason) ?? trail.verdict
                }${
                  trail.inheritedFrom
                    ? ` (organization trail of account ${trail.inheritedFrom.accountId}, fixed there)`
                    : ''
                }`}
                secondary={reasonExplanation(trail.reason)}
              />
            </ListItem>
          ))}
        </List>
      )}
      <WhyDetails account={account} />
    </Box>
  );
}

/** The codes, ARNs and AWS's own words behind the plain explanation, for those who quote them. */
function WhyDetails(props: { account: AccountDetail }) {
  const { account } = props;
  const evaluation = account.evaluation;
  const reason = evaluation?.reason ?? account.reason;
  const facts: [string, string][] = [];
  if (reason) facts.push(['Reason code', reason]);
  if (evaluation?.detail) facts.push(['Specifics', evaluation.detail]);
  for (const trail of evaluation?.trails ?? []) {
    if (!['FAIL', 'ERROR', 'UNKNOWN'].includes(trail.verdict)) continue;
    facts.push([
      trailName(trail.trailArn),
      `${trail.trailArn} (${trail.reason ?? trail.verdict})`,
    ]);
  }
  facts.push(['Evaluated at', account.evaluatedAt]);
  return (
    <Details name="Details of why" testId="cis-why-details">
      <FactList facts={facts} />
    </Details>
  );
}

/** When the latest check could not decide, the last definitive result, and when it was. */
export function StaleNotice(props: { account: AccountDetail }) {
  const { account } = props;
  const last = account.lastDefinitive;
  if (!account.stale || !last || !isDefinitiveVerdict(last.verdict))
    return null;
  return (
    <Box mt={1}>
      <Alert severity="warning" data-testid="cis-stale">
        Last definitive result: {last.verdict}, {ago(last.evaluatedAt)}
        {last.reason ? ` (${reasonTitle(last.reason)})` : ''}. The latest check
        could not decide, so this older result may no longer hold.
      </Alert>
    </Box>
  );
}

/**
 * The exceptions in force: the account's (it is EXEMPT) and each exempt trail's (taken out of
 * scope), each with what it would be without it.
 */
export function Exemptions(props: { account: AccountDetail }) {
  const evaluation = props.account.evaluation;
  if (!evaluation) return null;
  const exemptTrails = evaluation.trails.filter(trail => trail.exemptedBy);
  if (!evaluation.exception && exemptTrails.length === 0) return null;
  return (
    <Box mt={1}>
      {evaluation.exception && (
        <Alert severity="info" icon={false} data-testid="cis-aws-exemption">
          <ExemptionDetails
            exception={evaluation.exception}
            underlyingVerdict={evaluation.underlyingVerdict}
            underlyingReason={evaluation.underlyingReason}
          />
        </Alert>
      )}
      {exemptTrails.map(trail => (
        <Box
          key={trail.trailArn}
          mt={1}
          data-testid="cis-aws-trail-exemption"
          data-trail={trail.trailArn}
        >
          <Alert severity="info" icon={false}>
            <ExemptionDetails
              exception={trail.exemptedBy!}
              scope={`Trail ${trailName(trail.trailArn)}`}
              underlyingVerdict={trail.underlyingVerdict}
              underlyingReason={trail.underlyingReason}
            />
          </Alert>
        </Box>
      ))}
    </Box>
  );
}
