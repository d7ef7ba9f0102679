import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import exempt from '../../__fixtures__/account-exempt.json';
import exceptions from '../../__fixtures__/exceptions-payments-staging.json';
import {
  accountEntity,
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { freezeDateAtFixtures } from '../EntityCard/testClock';
import { EntityCisAwsContent } from './index';

setupMswServer();
freezeDateAtFixtures();

// usePermission caches its answer for the whole file: here the user may not manage exceptions
// (nor evaluate); Exceptions.test.tsx covers users who may.
describe('Exceptions for a user without cis-aws.exception.manage', () => {
  it('lists the exceptions but disables "Grant exception", says why, and offers no "Revoke"', async () => {
    answer('/v1/accounts/404455667788', exempt);
    answer('/v1/accounts/404455667788/exceptions', exceptions);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity('404455667788', 'aws-payments-staging'),
      evaluate: AuthorizeResult.DENY,
      manageExceptions: AuthorizeResult.DENY,
    });
    const panel = await screen.findByTestId('cis-aws-exceptions');
    await waitFor(() =>
      expect(
        within(panel).getAllByTestId('cis-aws-exception-row'),
      ).toHaveLength(3),
    );

    const grant = within(panel).getByTestId('cis-aws-grant-exception');
    expect(grant).toBeDisabled();
    expect(panel).toHaveTextContent(
      'Granting and revoking exceptions needs the cis-aws.exception.manage permission.',
    );
    // the tooltip on the disabled button says the same
    fireEvent.mouseOver(grant.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'needs the cis-aws.exception.manage permission',
    );
    expect(
      within(panel).queryByRole('button', { name: 'Revoke' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });
});
