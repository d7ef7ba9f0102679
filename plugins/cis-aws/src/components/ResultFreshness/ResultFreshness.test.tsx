import { screen, waitFor } from '@testing-library/react';
import { AccountFreshnessResponse } from '@cis-aws/plugin-cis-aws-common';
import { http, HttpResponse } from 'msw';
import {
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { freshnessText, ResultFreshness } from './ResultFreshness';

setupMswServer();

const ACCOUNT = '403344556677';
const EVALUATED_AT = '2026-12-06T10:01:20.000Z';

const byEvent: AccountFreshnessResponse = {
  accountId: ACCOUNT,
  evaluatedAt: EVALUATED_AT,
  trigger: 'event',
  event: {
    evaluatedAt: EVALUATED_AT,
    verdict: 'FAIL',
    eventName: 'StopLogging',
    principal: 'alice',
    principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    eventTime: '2026-12-06T10:01:00.000Z',
    eventCount: 1,
    otherEventNames: [],
    receivedAt: '2026-12-06T10:01:02.000Z',
    delaySeconds: 20,
  },
  checkLabel: 'hourly check',
  recentEvents: [],
};

describe('freshnessText', () => {
  it('says which event re-checked the result, how soon and by whom', () => {
    expect(freshnessText(byEvent)).toBe(
      're-checked 20 s after StopLogging by alice',
    );
    expect(
      freshnessText({
        ...byEvent,
        event: { ...byEvent.event!, eventCount: 3, delaySeconds: 300 },
      }),
    ).toBe('re-checked 5 min after StopLogging by alice (+2 more events)');
  });

  it('names the regular check otherwise', () => {
    expect(
      freshnessText({ ...byEvent, trigger: 'check', event: undefined }),
    ).toBe('hourly check');
  });
});

describe('ResultFreshness', () => {
  it('shows how the result on screen came about', async () => {
    answer(`/v1/accounts/${ACCOUNT}/freshness`, byEvent);
    await renderWithApis(
      <ResultFreshness accountId={ACCOUNT} evaluatedAt={EVALUATED_AT} />,
    );
    expect(await screen.findByTestId('cis-freshness')).toHaveTextContent(
      'How this result came about: re-checked 20 s after StopLogging by alice',
    );
  });

  it('asks the card to reload when the backend has a newer result, and says nothing of it meanwhile', async () => {
    answer(`/v1/accounts/${ACCOUNT}/freshness`, byEvent);
    const onNewerResult = jest.fn();
    await renderWithApis(
      <ResultFreshness
        accountId={ACCOUNT}
        evaluatedAt="2026-12-06T09:00:00.000Z"
        onNewerResult={onNewerResult}
        pollMs={50}
      />,
    );
    await waitFor(() => expect(onNewerResult).toHaveBeenCalled());
    expect(screen.queryByTestId('cis-freshness')).not.toBeInTheDocument();
  });

  it('shows nothing when the backend cannot say', async () => {
    let asked = 0;
    server.use(
      http.get(`${BACKEND}/v1/accounts/${ACCOUNT}/freshness`, () => {
        asked += 1;
        return HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'no' } },
          { status: 404 },
        );
      }),
    );
    const { container } = await renderWithApis(
      <ResultFreshness
        accountId={ACCOUNT}
        evaluatedAt={EVALUATED_AT}
        pollMs={50}
      />,
    );
    // Asked twice (the answer of the first is in by then), and still nothing to show.
    await waitFor(() => expect(asked).toBeGreaterThanOrEqual(2));
    expect(container).toBeEmptyDOMElement();
  });
});
