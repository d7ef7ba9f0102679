import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  cisAwsEvaluatePermission,
  DetectionDiagnostic,
  DiagnosticCheck,
  DiagnosticStatus,
  DiagnosticsReport,
  ReaderRoleDiagnostic,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { ReactNode } from 'react';
import { describeApiError, formatDateTime } from '../common';
import { DiagnosticStatusIcon } from './DiagnosticStatusIcon';
import { useDiagnostics } from './useDiagnostics';

/** Reader roles listed one by one: the problems and unknowns, then at most this many more. */
const MAX_ROLE_ROWS = 25;

function CheckDetails(props: { check: DiagnosticCheck }) {
  const { check } = props;
  return (
    <>
      <Typography variant="body2">{check.summary}</Typography>
      {check.hint && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="cis-diagnostics-hint"
        >
          {check.hint}
        </Typography>
      )}
      {check.error && (
        <Typography variant="caption" color="textSecondary" component="div">
          {describeApiError(check.error)}
        </Typography>
      )}
    </>
  );
}

function CheckRow(props: {
  name: string;
  testId: string;
  check: DiagnosticCheck;
  children?: ReactNode;
}) {
  const { name, testId, check, children } = props;
  return (
    <TableRow data-testid={testId} data-status={check.status}>
      <TableCell style={{ whiteSpace: 'nowrap' }}>
        <DiagnosticStatusIcon status={check.status} />
      </TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>{name}</TableCell>
      <TableCell>
        <CheckDetails check={check} />
        {children}
      </TableCell>
    </TableRow>
  );
}

/** What the reader role's answer for one action reads as, beside its icon. */
const ACTION_STATUS_LABELS: Record<DiagnosticStatus, string> = {
  OK: 'Allowed',
  PROBLEM: 'Refused',
  UNKNOWN: 'Unknown',
  SKIPPED: 'Not called',
};

/** Each detection action with its answer, under the detection row (nothing when detection is off). */
function DetectionActions(props: { detection: DetectionDiagnostic }) {
  const { actions } = props.detection;
  if (actions.length === 0) return null;
  return (
    <Box component="ul" m={0} mt={0.5} pl={0} style={{ listStyle: 'none' }}>
      {actions.map(a => (
        <li
          key={a.action}
          data-testid="cis-diagnostics-detection-action"
          data-action={a.action}
          data-status={a.status}
        >
          <Box display="flex" alignItems="baseline" style={{ gap: 8 }}>
            <DiagnosticStatusIcon
              status={a.status}
              label={ACTION_STATUS_LABELS[a.status]}
            />
            <Typography variant="body2" component="span">
              <code>{a.action}</code>
              {a.status === 'OK' ? '' : ` — ${a.summary}`}
            </Typography>
          </Box>
        </li>
      ))}
    </Box>
  );
}

function readerRolesCheck(report: DiagnosticsReport): DiagnosticCheck {
  const { OK, PROBLEM, UNKNOWN } = report.readerRoleTotals;
  const total = report.readerRoles.length;
  if (PROBLEM > 0) {
    return {
      status: 'PROBLEM',
      source: 'LAST_RUN',
      checkedAt: report.generatedAt,
      summary: `${PROBLEM} of ${total} accounts: the reader role cannot be assumed.`,
      hint: 'See the accounts below: each needs the reader role deployed and trusting the portal.',
    };
  }
  return {
    status: total === 0 || UNKNOWN > 0 ? 'UNKNOWN' : 'OK',
    source: 'LAST_RUN',
    checkedAt: report.generatedAt,
    summary:
      total === 0
        ? 'No account in the catalog yet.'
        : `${OK} of ${total} accounts: the reader role can be assumed${
            UNKNOWN > 0 ? `; ${UNKNOWN} not known yet` : ''
          }.`,
  };
}

function ReaderRoles(props: { roles: ReaderRoleDiagnostic[] }) {
  const notOk = props.roles.filter(r => r.status !== 'OK');
  const shown = [...notOk, ...props.roles.filter(r => r.status === 'OK')].slice(
    0,
    Math.max(notOk.length, MAX_ROLE_ROWS),
  );
  if (shown.length === 0) return null;
  return (
    <TableContainer style={{ maxHeight: 360 }}>
      <Table size="small" stickyHeader aria-label="Reader roles">
        <TableHead>
          <TableRow>
            <TableCell>Reader role</TableCell>
            <TableCell>AWS account</TableCell>
            <TableCell>Details</TableCell>
            <TableCell>As of</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(role => (
            <TableRow
              key={role.accountId}
              data-testid="cis-diagnostics-role"
              data-account={role.accountId}
              data-status={role.status}
            >
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <DiagnosticStatusIcon status={role.status} />
              </TableCell>
              <TableCell>
                {/* The catalog's title already names the account id. */}
                {role.title ?? role.accountId}
              </TableCell>
              <TableCell>
                <CheckDetails check={role} />
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {role.source === 'LIVE'
                  ? 'now'
                  : formatDateTime(role.checkedAt)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function DiagnosticsBody() {
  const { loading, error, value, retry } = useDiagnostics();
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return loading ? <Progress /> : null;
  const securityHub = value.securityHub;
  return (
    <>
      <Table size="small" aria-label="Diagnostics">
        <TableBody>
          <CheckRow
            name={`Security Hub${
              securityHub.administratorAccountId
                ? ` (${securityHub.administratorAccountId}, ${securityHub.region})`
                : ''
            }`}
            testId="cis-diagnostics-security-hub"
            check={securityHub}
          />
          <CheckRow
            name="AWS Organizations"
            testId="cis-diagnostics-organizations"
            check={value.organizations}
          />
          <CheckRow
            name="Detection actions (CIS 3.x)"
            testId="cis-diagnostics-detection"
            check={value.detection}
          >
            <DetectionActions detection={value.detection} />
          </CheckRow>
          <CheckRow
            name="Reader roles"
            testId="cis-diagnostics-reader-roles"
            check={readerRolesCheck(value)}
          />
        </TableBody>
      </Table>
      <Box mt={2}>
        <ReaderRoles roles={value.readerRoles} />
      </Box>
      <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button size="small" onClick={retry} disabled={loading}>
          Check again
        </Button>
        <Typography variant="caption" color="textSecondary">
          Checked {formatDateTime(value.generatedAt)}
        </Typography>
      </Box>
    </>
  );
}

/**
 * Whether the backend reaches what an evaluation needs: Security Hub's administrator and the
 * CloudTrail.5 findings it sees, Organizations, each account's reader role, and whether the
 * reader role may call the detection actions. Only for users who
 * may run evaluations (it makes AWS calls); nothing is shown to others.
 */
export function DiagnosticsCard() {
  const { loading, allowed } = usePermission({
    permission: cisAwsEvaluatePermission,
  });
  if (loading || !allowed) return null;
  return (
    <InfoCard
      title="Diagnostics"
      subheader="Can the portal read what it needs?"
    >
      <DiagnosticsBody />
    </InfoCard>
  );
}
