import { CodeSnippet } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { reasonTitle } from '../common';
import { Remediation } from './remediation';

/** A policy document: at most about 20 lines high, scrolling both ways inside its box. */
export const POLICY_BLOCK_STYLE = {
  maxHeight: '24em',
  maxWidth: '100%',
  overflow: 'auto',
  boxSizing: 'border-box',
} as const;

/** How to fix the failing link: one sentence, then copyable commands and the documents they read. */
export function RemediationView(props: { remediation: Remediation }) {
  const { remediation } = props;
  return (
    <Box data-testid="remediation" data-reason={remediation.reason} mt={2}>
      <Typography variant="h6" component="h4">
        How to fix: {reasonTitle(remediation.reason)}
      </Typography>
      <Typography variant="body1" paragraph>
        {remediation.summary}
      </Typography>
      {remediation.steps.map((step, i) => (
        <Box key={i} mb={2}>
          <Typography variant="subtitle2">
            Step {i + 1}. {step.title}
          </Typography>
          {step.documents?.map(doc => (
            <Box
              key={doc.fileName}
              data-testid="remediation-document"
              data-file={doc.fileName}
              mt={1}
            >
              <Typography variant="caption">Save as {doc.fileName}:</Typography>
              {/* A long policy scrolls in its own box instead of widening the page. */}
              <Box maxWidth="100%" minWidth={0}>
                <CodeSnippet
                  text={doc.content}
                  language="json"
                  showCopyCodeButton
                  customStyle={POLICY_BLOCK_STYLE}
                />
              </Box>
            </Box>
          ))}
          {step.command && (
            <Box data-testid="remediation-command" mt={1}>
              <CodeSnippet
                text={step.command}
                language="bash"
                showCopyCodeButton
                wrapLongLines
              />
            </Box>
          )}
        </Box>
      ))}
    </Box>
  );
}
