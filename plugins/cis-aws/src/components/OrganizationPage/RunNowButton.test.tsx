import { EvaluationRun } from '@cis-aws/plugin-cis-aws-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import runsFixture from '../../__fixtures__/runs.json';
import {
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { RunNowButton } from './RunNowButton';

setupMswServer();

const RUN_ID = '6cfda062-34ef-4976-86dd-6d28eb2083e0';
const FINISHED = runsFixture.runs[0] as EvaluationRun;

describe('RunNowButton', () => {
  it('asks for a run (202), follows its progress and reports how it ended', async () => {
    const asked: string[] = [];
    server.use(
      http.post(`${BACKEND}/v1/runs`, () => {
        asked.push('POST');
        return HttpResponse.json(
          { runId: RUN_ID, status: 'queued', alreadyActive: false },
          { status: 202 },
        );
      }),
    );
    // queued, then running 4 of 11, then finished with errors.
    const states: EvaluationRun[] = [
      { ...FINISHED, status: 'queued', accountsEvaluated: 0, verdicts: {} },
      {
        ...FINISHED,
        status: 'running',
        finishedAt: undefined,
        accountsEvaluated: 4,
        verdicts: { PASS: 4 },
      },
      FINISHED,
    ];
    let polls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    server.use(
      http.get(`${BACKEND}/v1/runs/:runId`, async ({ params }) => {
        expect(params.runId).toBe(RUN_ID);
        const state = states[Math.min(polls, states.length - 1)];
        polls += 1;
        // Holds the run at "running" until the test has seen its progress.
        if (state.status === 'running') await gate;
        return HttpResponse.json(state);
      }),
    );
    const onFinished = jest.fn();
    await renderWithApis(<RunNowButton onFinished={onFinished} pollMs={5} />);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate all accounts now' }),
    );
    expect(asked).toEqual(['POST']);
    expect(await screen.findByTestId('cis-run-progress')).toHaveTextContent(
      'run queued',
    );
    expect(
      screen.getByRole('button', { name: 'Evaluate all accounts now' }),
    ).toBeDisabled();
    release();
    expect(await screen.findByTestId('cis-run-outcome')).toHaveTextContent(
      'The evaluation run finished with errors: 11 of 11 accounts evaluated (5 PASS, 5 FAIL, 1 ERROR); 1 failed AWS calls.',
    );
    await waitFor(() => expect(onFinished).toHaveBeenCalledTimes(1));
    expect(onFinished.mock.calls[0][0]).toMatchObject({
      id: RUN_ID,
      status: 'completed_with_errors',
    });
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(
      screen.getByRole('button', { name: 'Evaluate all accounts now' }),
    ).toBeEnabled();
  });

  it('shows progress of the run already under way when one is', async () => {
    answer(
      '/v1/runs',
      { runId: RUN_ID, status: 'running', alreadyActive: true },
      202,
      'post',
    );
    server.use(
      http.get(`${BACKEND}/v1/runs/:runId`, () =>
        HttpResponse.json({
          ...FINISHED,
          status: 'running',
          finishedAt: undefined,
          accountsEvaluated: 7,
        }),
      ),
    );
    await renderWithApis(
      <RunNowButton onFinished={jest.fn()} pollMs={60_000} />,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate all accounts now' }),
    );
    expect(await screen.findByTestId('cis-run-progress')).toHaveTextContent(
      'A run was already under way: evaluating, 7 of 11 accounts done',
    );
  });

  it('says why a run could not be asked for', async () => {
    answer('/v1/runs', 'You may not run an evaluation', 403, 'post');
    await renderWithApis(<RunNowButton onFinished={jest.fn()} />);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Evaluate all accounts now' }),
    );
    expect(await screen.findByTestId('cis-run-error')).toHaveTextContent(
      'You may not run an evaluation',
    );
  });
});
