import { CodeSnippet } from '@backstage/core-components';
import { Box, Tab, Tabs, Typography } from '@material-ui/core';
import { useState } from 'react';
import { DetectionRemediation } from './remediation';
import { DETECTION_REASON_TITLES } from './text';

const FORMATS = [
  { key: 'cli', label: 'AWS CLI', language: 'bash' },
  { key: 'terraform', label: 'Terraform', language: 'hcl' },
  { key: 'cloudFormation', label: 'CloudFormation', language: 'yaml' },
] as const;

/** How to fix a failing check: one sentence, then the same fix as CLI, Terraform or CloudFormation. */
export function DetectionRemediationView(props: {
  remediation: DetectionRemediation;
}) {
  const { remediation } = props;
  const [format, setFormat] = useState(0);
  const selected = FORMATS[format];
  const idBase = `cis-detection-fix-${remediation.names.checkId.replace(
    '.',
    '-',
  )}`;
  return (
    <Box
      mt={2}
      data-testid="cis-detection-remediation"
      data-reason={remediation.reason}
    >
      <Typography variant="subtitle1" component="h5">
        How to fix: {DETECTION_REASON_TITLES[remediation.reason]}
      </Typography>
      <Typography variant="body2" paragraph>
        {remediation.summary}
      </Typography>
      <Tabs
        value={format}
        onChange={(_event, value: number) => setFormat(value)}
        indicatorColor="primary"
        aria-label={`Fix for ${remediation.names.checkId} as`}
      >
        {FORMATS.map((f, i) => (
          <Tab
            key={f.key}
            label={f.label}
            id={`${idBase}-tab-${i}`}
            aria-controls={`${idBase}-panel`}
          />
        ))}
      </Tabs>
      <Box
        role="tabpanel"
        id={`${idBase}-panel`}
        aria-labelledby={`${idBase}-tab-${format}`}
        data-testid="cis-detection-fix"
        data-format={selected.key}
        mt={1}
      >
        <CodeSnippet
          text={remediation[selected.key]}
          language={selected.language}
          showCopyCodeButton
          wrapLongLines
        />
      </Box>
    </Box>
  );
}
