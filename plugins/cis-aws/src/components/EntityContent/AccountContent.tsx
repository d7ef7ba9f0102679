import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { AccountDetail } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { useCallback, useState } from 'react';
import { useAccountResult } from '../../hooks';
import { DetectionSection } from '../Detection';
import { AccountDetailView } from './AccountDetailView';
import { EvaluateButton } from './EvaluateButton';
import { EvidencePanel } from './EvidencePanel';
import { ExceptionsPanel } from './ExceptionsPanel';
import { HistoryPanel } from './HistoryPanel';

/**
 * Loads one account's detail and shows it with its exceptions, history and evidence. "Evaluate
 * now" replaces the detail with a fresh result; granting or revoking an exception re-evaluates
 * the account in the backend, so the detail is fetched again. Either may change the verdict, so
 * the history and the exceptions are fetched again too.
 */
export function AccountContent(props: { accountId: string }) {
  const { accountId } = props;
  const { loading, error, value, retry } = useAccountResult(accountId);
  const [fresh, setFresh] = useState<AccountDetail>();
  const [reload, setReload] = useState(0);
  const onEvaluated = useCallback((detail: AccountDetail) => {
    setFresh(detail);
    setReload(n => n + 1);
  }, []);
  const onExceptionsChanged = useCallback(() => {
    setFresh(undefined);
    retry();
    setReload(n => n + 1);
  }, [retry]);
  const button = (
    <EvaluateButton accountId={accountId} onResult={onEvaluated} />
  );
  const detail = fresh ?? value;

  if (detail) {
    return (
      <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
        <AccountDetailView detail={detail} actions={button} />
        <DetectionSection accountId={accountId} reload={reload} />
        <ExceptionsPanel
          detail={detail}
          reload={reload}
          onChanged={onExceptionsChanged}
        />
        <HistoryPanel detail={detail} reload={reload} />
        <EvidencePanel accountId={accountId} />
      </Box>
    );
  }
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
