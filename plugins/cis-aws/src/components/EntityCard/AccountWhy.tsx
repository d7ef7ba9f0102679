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
import { reasonExplanation, reasonTitle } from '../common';
import { ago, plainDetail, trailName } from './text';

/** Why an account is not passing, in plain words: the account's reason and each bad trail's. */
export function AccountWhy(props: { account: AccountDetail }) {
  const { account } = props;
  if (account.verdict === 'PASS') return null;
  const evaluation = account.evaluation;
  const reason = evaluation?.reason ?? account.reason;
  const badTrails = (evaluation?.trails ?? []).filter(trail =>
    ['FAIL', 'ERROR', 'UNKNOWN'].includes(trail.verdict),
  );
  const detail = plainDetail(evaluation?.detail);
  const exception = evaluation?.exception;
  return (
    <Box mt={1} data-testid="cis-why">
      {reason && (
        <Typography variant="subtitle2">{reasonTitle(reason)}</Typography>
      )}
      <Typography variant="body2">
        {detail ?? reasonExplanation(reason)}
      </Typography>
      {!detail &&
        evaluation?.detail &&
        ['ERROR', 'UNKNOWN'].includes(account.verdict) && (
          <Typography variant="caption" color="textSecondary" component="div">
            {evaluation.detail}
          </Typography>
        )}
      {exception && (
        <Typography variant="body2" color="textSecondary">
          Exception: {exception.reason} (approved by {exception.approvedBy},
          expires {ago(exception.expiresAt)})
        </Typography>
      )}
      {badTrails.length > 0 && (
        <List dense disablePadding>
          {badTrails.map(trail => (
            <ListItem key={trail.trailArn} disableGutters>
              <ListItemText
                primary={`${trailName(trail.trailArn)}: ${
                  reasonTitle(trail.reason) ?? trail.verdict
                }`}
                secondary={reasonExplanation(trail.reason)}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
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
