import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import orgMember from '../../__fixtures__/account-org-member.json';
import pass from '../../__fixtures__/account-pass.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import {
  accountEntity,
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { EntityCisAwsContent } from './index';

setupMswServer();

const CHECKOUT_TRAIL =
  'arn:aws:cloudtrail:us-east-1:407788990011:trail/checkout-dev-trail';
const ORG_TRAIL =
  'arn:aws:cloudtrail:us-east-1:401122334455:trail/acme-org-trail';
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

/** The management account that owns the organization trail, as its own result names it. */
const management = {
  ...pass,
  accountId: '401122334455',
  entityRef: 'resource:default/aws-platform-management',
  title: 'platform-management (401122334455)',
};

async function showAccount(fixture: { accountId: string }) {
  answer(`/v1/accounts/${fixture.accountId}`, fixture as never);
  await renderWithApis(<EntityCisAwsContent />, {
    entity: accountEntity(fixture.accountId),
    evaluate: AuthorizeResult.DENY,
  });
  return screen.findByTestId('account-detail');
}

const section = (arn: string) =>
  screen
    .getAllByTestId('trail-section')
    .find(el => el.getAttribute('data-trail') === arn)!;

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the account tab reads as plain words first', () => {
  it('says which trail fails and why in words; codes, ARNs and exact times are behind Details', async () => {
    const detail = await showAccount(roleCannotWrite);
    expect(screen.getByTestId('account-explanation')).toHaveTextContent(
      'At least one trail of the account does not deliver to CloudWatch Logs correctly.',
    );
    expect(screen.getByTestId('bad-trails')).toHaveTextContent(
      'Trail checkout-dev-trail: role cannot write to the log group.',
    );
    // Nothing raw on the page until asked for, apart from the commands to copy.
    const remediationText = within(detail)
      .getAllByTestId('remediation')
      .map(r => r.textContent)
      .join('');
    const shown = detail.textContent!.replace(remediationText, '');
    expect(shown).not.toContain('ROLE_CANNOT_WRITE');
    expect(shown).not.toContain('TRAIL_FAILED');
    expect(shown).not.toContain('arn:aws:');
    expect(shown).not.toMatch(ISO_TIME);

    const button = screen.getByRole('button', {
      name: "Details of the account's result",
    });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const details = screen.getByRole('region', {
      name: "Details of the account's result",
    });
    expect(details).toHaveTextContent('Reason codeTRAIL_FAILED');
    expect(details).toHaveTextContent(`${CHECKOUT_TRAIL} (ROLE_CANNOT_WRITE)`);
    expect(details).toHaveTextContent(
      `Evaluated at${roleCannotWrite.evaluatedAt}`,
    );
  });

  it('shows the IAM policy simulation once, in the role link, however many details are open', async () => {
    await showAccount(roleCannotWrite);
    const trail = roleCannotWrite.evaluation.trails.find(
      t => t.trailArn === CHECKOUT_TRAIL,
    )!;
    const simulation = (trail.facts.role as { permission: { details: string } })
      .permission.details;
    expect(count(document.body.textContent!, simulation)).toBe(0);

    for (const button of screen.getAllByRole('button', {
      name: /^Details of /,
    })) {
      await userEvent.click(button);
    }
    expect(count(document.body.textContent!, simulation)).toBe(1);
    const role = within(section(CHECKOUT_TRAIL))
      .getAllByTestId('chain-link')
      .find(l => l.getAttribute('data-link') === 'role')!;
    expect(role).toHaveTextContent(`Simulation result${simulation}`);
    expect(
      within(section(CHECKOUT_TRAIL)).getByRole('region', {
        name: 'Details of the trail checkout-dev-trail',
      }),
    ).toHaveTextContent('Specificsin the details of the IAM role link');
  });

  it('puts the policy JSON in a scrollable block of bounded height', async () => {
    await showAccount(roleCannotWrite);
    const doc = within(section(CHECKOUT_TRAIL)).getByTestId(
      'remediation-document',
    );
    const block = doc.querySelector('pre')!;
    expect(block).toHaveTextContent('"logs:PutLogEvents"');
    expect(block.style.overflow).toBe('auto');
    expect(block.style.maxHeight).toBe('24em');
    expect(block.style.maxWidth).toBe('100%');
  });
});

describe('an organization trail of another account', () => {
  it('is one line linking to the owner account’s chain, its details behind a disclosure', async () => {
    answer('/v1/accounts/401122334455', management as never);
    await showAccount(orgMember);
    const inherited = section(ORG_TRAIL);
    const line = within(inherited).getByTestId('inherited');
    const owner = await within(line).findByRole('link', {
      name: 'platform-management (401122334455)',
    });
    expect(owner).toHaveAttribute(
      'href',
      '/catalog/default/resource/aws-platform-management/cis-aws',
    );
    expect(line).toHaveTextContent(
      'Covered by the organization trail acme-org-trail of account platform-management (401122334455) — passing',
    );
    expect(
      within(line).getByTestId('cis-verdict').getAttribute('data-verdict'),
    ).toBe('PASS');
    // not five "Not visible" tiles
    expect(within(inherited).queryAllByTestId('chain-link')).toHaveLength(0);
    expect(inherited).not.toHaveTextContent('Not visible');

    await userEvent.click(
      within(inherited).getByRole('button', {
        name: 'Details of the organization trail acme-org-trail',
      }),
    );
    const details = within(inherited).getByRole('region', {
      name: 'Details of the organization trail acme-org-trail',
    });
    expect(details).toHaveTextContent(`Trail ARN${ORG_TRAIL}`);
    expect(details).toHaveTextContent('Owner account401122334455');
    // what this account can see of it, now that it was asked for
    expect(within(details).getAllByTestId('chain-link')).toHaveLength(5);
  });

  it('names the owner by its account id when its result cannot be read here', async () => {
    // The default backend answers 404 for the owner: not evaluated, or not visible to this user.
    await showAccount(roleCannotWrite);
    const line = within(section(ORG_TRAIL)).getByTestId('inherited');
    expect(line).toHaveTextContent(
      'Covered by the organization trail acme-org-trail of account 401122334455 — passing',
    );
    expect(within(line).queryByRole('link')).not.toBeInTheDocument();
  });
});
