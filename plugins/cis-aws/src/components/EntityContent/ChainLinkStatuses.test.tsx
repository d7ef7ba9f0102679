import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import {
  accountEntity,
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { EntityCisAwsContent } from './index';

setupMswServer();

const TRAIL =
  'arn:aws:cloudtrail:us-east-1:407788990011:trail/checkout-dev-trail';

/** The fixture, with the backend's own judgement of each link of the failing trail. */
function withLinks(links: object) {
  const copy = JSON.parse(JSON.stringify(roleCannotWrite));
  for (const trail of copy.evaluation.trails) {
    if (trail.trailArn === TRAIL) trail.links = links;
  }
  return copy;
}

const STALE_ROLE_CANNOT_WRITE = {
  trailLogging: { status: 'OK', summary: 'The trail is logging.' },
  logGroup: { status: 'OK', summary: 'The log group exists.' },
  roleTrust: { status: 'OK', summary: 'CloudTrail may assume the role.' },
  roleCanWrite: {
    status: 'BROKEN',
    summary: 'The role may not write to the log group.',
  },
  recentDelivery: {
    status: 'BROKEN',
    summary: 'The last delivery was 6 days ago, older than the 24 hours allowed.',
  },
};

async function chainOf(fixture: object) {
  answer(`/v1/accounts/${roleCannotWrite.accountId}`, fixture as never);
  await renderWithApis(<EntityCisAwsContent />, {
    entity: accountEntity(roleCannotWrite.accountId),
    evaluate: AuthorizeResult.DENY,
  });
  await screen.findByTestId('account-detail');
  const section = screen
    .getAllByTestId('trail-section')
    .find(el => el.getAttribute('data-trail') === TRAIL)!;
  return within(section).getAllByTestId('chain-link');
}

describe('each link of the chain as the backend judged it', () => {
  it('ROLE_CANNOT_WRITE with a six-day-old delivery: the delivery link is stale, not "recent delivery with an error"', async () => {
    const links = await chainOf(withLinks(STALE_ROLE_CANNOT_WRITE));
    const delivery = links.find(l => l.getAttribute('data-link') === 'delivery')!;
    expect(delivery).toHaveAttribute('data-status', 'fail');
    expect(delivery).toHaveTextContent(
      'The last delivery was 6 days ago, older than the 24 hours allowed.',
    );
    expect(delivery).not.toHaveTextContent('Recent delivery');
    const role = links.find(l => l.getAttribute('data-link') === 'role')!;
    expect(role).toHaveAttribute('data-status', 'fail');
    expect(role).toHaveTextContent('The role may not write to the log group.');
    expect(
      links.find(l => l.getAttribute('data-link') === 'trail'),
    ).toHaveAttribute('data-status', 'ok');
  });

  it('shows Security Hub as disagreeing, in the warning colour, when its opinion differs from ours', async () => {
    const links = await chainOf(withLinks(STALE_ROLE_CANNOT_WRITE));
    const hub = links.find(l => l.getAttribute('data-link') === 'securityHub')!;
    expect(hub).toHaveAttribute('data-status', 'warn');
    expect(hub).toHaveTextContent('Disagrees');
    expect(hub).toHaveTextContent(
      'Security Hub disagrees: it says PASS, this check says FAIL',
    );
  });
});
