import type { AccountDetail } from '@cis-aws/plugin-cis-aws-common';
import { screen } from '@testing-library/react';
import accountPass from '../../__fixtures__/account-pass.json';
import {
  accountEntity,
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { DETECTION_FAIL, DETECTION_PASS } from '../../__fixtures__/detection';
import { EntityCisAwsCard } from '../EntityCard';

setupMswServer();

const ACCOUNT = accountPass as AccountDetail;

async function card(detection: AccountDetail['detection']) {
  answer(`/v1/accounts/${ACCOUNT.accountId}`, { ...ACCOUNT, detection });
  await renderWithApis(<EntityCisAwsCard />, {
    entity: accountEntity(ACCOUNT.accountId),
  });
  await screen.findByTestId('cis-owner');
}

describe('detection on the account card', () => {
  it('adds one line beside the 2.4 verdict, never folded into it', async () => {
    const {
      checks: _checks,
      accountId: _a,
      controlId: _c,
      ...summary
    } = DETECTION_FAIL;
    await card(summary);
    const line = screen.getByTestId('cis-detection-line');
    expect(line).toHaveAttribute('data-verdict', 'FAIL');
    expect(line).toHaveTextContent(
      'Detection (CIS 3.x):FAIL — Not watchedRoot account use (3.3) is not watched: no metric filter; also 3.4, 3.5.',
    );
    // The 2.4 verdict is still the account's own.
    expect(
      screen.getAllByTestId('cis-verdict')[0].getAttribute('data-verdict'),
    ).toBe('PASS');
  });

  it('says a watched account is watched', async () => {
    const { checks: _checks, ...summary } = DETECTION_PASS;
    await card(summary);
    expect(screen.getByTestId('cis-detection-line')).toHaveTextContent(
      'Every required check is watched: alerts reach a confirmed subscriber.',
    );
  });

  it('shows nothing when detection has not been evaluated (or is off)', async () => {
    await card(undefined);
    expect(screen.queryByTestId('cis-detection-line')).toBeNull();
  });
});
