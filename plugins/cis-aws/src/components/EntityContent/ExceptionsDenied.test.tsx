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

const NO_REQUEST =
  'Only an owner of this account (or a holder of cis-aws.exception.request) may request an exception.';

describe('Exceptions for a user who neither owns the account nor approves', () => {
  it('lists the exceptions but disables "Request exception", says why, and offers no decision or revocation', async () => {
    answer('/v1/accounts/404455667788', exempt);
    answer('/v1/accounts/404455667788/exceptions', {
      ...exceptions,
      viewer: {
        entityRef: 'user:default/linus',
        approver: false,
        canRequest: false,
      },
    });
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity('404455667788', 'aws-payments-staging'),
      evaluate: AuthorizeResult.DENY,
    });
    const panel = await screen.findByTestId('cis-aws-exceptions');
    await waitFor(() =>
      expect(
        within(panel).getAllByTestId('cis-aws-exception-row'),
      ).toHaveLength(5),
    );

    const request = within(panel).getByTestId('cis-aws-request-exception');
    expect(request).toBeDisabled();
    expect(panel).toHaveTextContent(NO_REQUEST);
    // the tooltip on the disabled button says the same
    fireEvent.mouseOver(request.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(NO_REQUEST);
    for (const name of ['Approve', 'Reject', 'Revoke', 'Withdraw']) {
      expect(
        within(panel).queryByRole('button', { name }),
      ).not.toBeInTheDocument();
    }
    // the pending requests are visible as such
    expect(
      within(panel).getByTestId('cis-aws-exceptions-pending'),
    ).toHaveTextContent('2 requests await approval');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });
});
