import { CodeSnippet } from '@backstage/core-components';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  MappingProblem,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { annotationSnippet } from './text';

function howToMap(kind: string): string {
  switch (kind.toLocaleLowerCase('en-US')) {
    case 'system':
      return "No AWS account belongs to this system. Set spec.system on the account's Resource entity to this system, or add the account annotation here:";
    case 'group':
      return "This team owns no AWS account. Make it the spec.owner of the account's Resource entity, or add the account annotation here:";
    default:
      return 'No AWS account is mapped to this entity, so there is nothing to evaluate. Add the account annotation to its catalog-info.yaml:';
  }
}

/** No account is mapped to the entity: say how to map one, with a snippet to copy. */
export function NotMapped(props: { kind: string }) {
  return (
    <Box data-testid="cis-not-mapped">
      <Typography variant="body2" gutterBottom>
        {howToMap(props.kind)}
      </Typography>
      <CodeSnippet
        language="yaml"
        text={annotationSnippet()}
        showCopyCodeButton
      />
      <Typography variant="caption" color="textSecondary">
        Several accounts may be listed, separated by commas.
      </Typography>
    </Box>
  );
}

/** The entity's own annotation is not a 12-digit account id: checked without the backend. */
export function MalformedAnnotation(props: { value: string; message: string }) {
  return (
    <Box data-testid="cis-malformed">
      <Alert severity="warning">
        The annotation {AWS_ACCOUNT_ID_ANNOTATION} is malformed: {props.message}
        . This account cannot be evaluated until it is fixed.
      </Alert>
      <Box mt={1}>
        <Typography variant="body2" gutterBottom>
          It should hold one 12-digit AWS account id, in quotes:
        </Typography>
        <CodeSnippet
          language="yaml"
          text={annotationSnippet()}
          showCopyCodeButton
        />
      </Box>
    </Box>
  );
}

/** Malformed annotations the backend found on this entity or those below it. */
export function MappingProblems(props: { problems: MappingProblem[] }) {
  if (props.problems.length === 0) return null;
  return (
    <Box mb={1} data-testid="cis-problems">
      {props.problems.map(problem => (
        <Alert key={`${problem.entityRef}/${problem.value}`} severity="warning">
          Malformed {problem.annotation} on{' '}
          <EntityRefLink entityRef={problem.entityRef} />: {problem.message}
        </Alert>
      ))}
    </Box>
  );
}
