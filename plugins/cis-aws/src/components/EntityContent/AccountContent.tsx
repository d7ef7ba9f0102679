import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { AccountDetail } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { useState } from 'react';
import { useAccountResult } from '../../hooks';
import { AccountDetailView } from './AccountDetailView';
import { EvaluateButton } from './EvaluateButton';

/** Loads one account's detail and shows it; "Evaluate now" replaces it with a fresh result. */
export function AccountContent(props: { accountId: string }) {
  const { accountId } = props;
  const { loading, error, value } = useAccountResult(accountId);
  const [fresh, setFresh] = useState<AccountDetail>();
  const button = <EvaluateButton accountId={accountId} onResult={setFresh} />;
  const detail = fresh ?? value;

  if (detail) return <AccountDetailView detail={detail} actions={button} />;
  if (loading) return <Progress />;
  if (error) {
    const e = error as { statusCode?: number; response?: { status?: number } };
    const notFound = (e.statusCode ?? e.response?.status) === 404;
    return (
      <Box>
        {notFound ? (
          <Typography variant="body1" paragraph>
            Account {accountId} has not been evaluated yet.
          </Typography>
        ) : (
          <ResponseErrorPanel error={error} />
        )}
        {button}
      </Box>
    );
  }
  return null;
}
