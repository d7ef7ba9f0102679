import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import {
  accountEntity,
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { freezeDateAtFixtures } from '../EntityCard/testClock';
import { evidenceAt, isEvidenceDay } from './EvidencePanel';
import { EntityCisAwsContent } from './index';

setupMswServer();
freezeDateAtFixtures();

const ACCOUNT = '404455667788';
const JSON_PACKET = JSON.stringify({
  schema: 'cis-aws-evidence/v1',
  account: { accountId: ACCOUNT },
});
const MD_PACKET = '# CIS AWS Foundations v1.2 control 2.4 — payments-staging\n';

/** Serves packets (JSON named by the backend, Markdown not) and records each request's query. */
function serveEvidence() {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/accounts/${ACCOUNT}/evidence`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      return query.get('format') === 'json'
        ? new HttpResponse(JSON_PACKET, {
            headers: {
              'Content-Type': 'application/json; charset=utf-8',
              'Content-Disposition':
                'attachment; filename="payments-staging-evidence.json"',
            },
          })
        : new HttpResponse(MD_PACKET, {
            headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
          });
    }),
  );
  return queries;
}

const blobText = (blob: Blob) =>
  typeof blob.text === 'function'
    ? blob.text()
    : new Promise<string>(resolve => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsText(blob);
      });

describe('Evidence on the tab', () => {
  const created: Blob[] = [];
  let click: jest.SpyInstance;
  beforeEach(() => {
    created.length = 0;
    (URL as any).createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return `blob:cis-aws-${created.length}`;
    });
    (URL as any).revokeObjectURL = jest.fn();
    click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
  });
  afterEach(() => click.mockRestore());

  /** The n-th temporary link clicked: a download of a Blob's object URL, removed again. */
  const downloaded = (n: number) => {
    const link = click.mock.contexts[n] as HTMLAnchorElement;
    expect(link.href).toBe(`blob:cis-aws-${n + 1}`);
    expect(link.isConnected).toBe(false);
    return { name: link.download, blob: created[n] };
  };

  async function showEvidence() {
    answer(`/v1/accounts/${ACCOUNT}`, noLogGroup);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT, 'aws-payments-staging'),
    });
    return screen.findByTestId('cis-aws-evidence');
  }

  it("downloads today's packet as JSON and as Markdown, each under a file name", async () => {
    const queries = serveEvidence();
    const panel = await showEvidence();
    expect(within(panel).getByLabelText('As of')).toHaveValue('2026-11-24');

    await userEvent.click(
      within(panel).getByRole('button', { name: 'Download JSON' }),
    );
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(queries[0].get('format')).toBe('json');
    expect(queries[0].has('at')).toBe(false); // today: as of now
    const json = downloaded(0);
    // the name the backend gives wins
    expect(json.name).toBe('payments-staging-evidence.json');
    expect(await blobText(json.blob)).toBe(JSON_PACKET);
    expect(json.blob.type).toContain('application/json');

    await userEvent.click(
      within(panel).getByRole('button', { name: 'Download Markdown' }),
    );
    await waitFor(() => expect(click).toHaveBeenCalledTimes(2));
    expect(queries[1].get('format')).toBe('md');
    const md = downloaded(1);
    // no Content-Disposition readable: named after the account and the day
    expect(md.name).toBe('cis-2.4-evidence-404455667788-2026-11-24.md');
    expect(await blobText(md.blob)).toBe(MD_PACKET);
    expect(md.blob.type).toContain('text/markdown');
  });

  it('asks for a past day as it stood at the end of that day (UTC)', async () => {
    const queries = serveEvidence();
    const panel = await showEvidence();
    fireEvent.change(within(panel).getByLabelText('As of'), {
      target: { value: '2026-11-18' },
    });
    expect(panel).toHaveTextContent(
      'As it stood at the end of that day (UTC).',
    );
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Download Markdown' }),
    );
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(queries[0].get('at')).toBe('2026-11-18T23:59:59.999Z');
    expect(downloaded(0).name).toBe(
      'cis-2.4-evidence-404455667788-2026-11-18.md',
    );
  });

  it('does not ask for a day after today', async () => {
    const queries = serveEvidence();
    const panel = await showEvidence();
    fireEvent.change(within(panel).getByLabelText('As of'), {
      target: { value: '2026-11-25' },
    });
    expect(panel).toHaveTextContent('Choose a day up to today.');
    for (const name of ['Download JSON', 'Download Markdown']) {
      expect(within(panel).getByRole('button', { name })).toBeDisabled();
    }
    expect(queries).toHaveLength(0);
  });

  it("shows the backend's message when the packet cannot be produced", async () => {
    answer(
      `/v1/accounts/${ACCOUNT}/evidence`,
      'at must not be in the future',
      400,
    );
    const panel = await showEvidence();
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Download JSON' }),
    );
    expect(
      await within(panel).findByTestId('cis-aws-evidence-error'),
    ).toHaveTextContent(
      'The evidence packet could not be downloaded: at must not be in the future (HTTP 400)',
    );
    expect(click).not.toHaveBeenCalled();
  });
});

describe('the time a packet is asked for', () => {
  const now = new Date('2026-11-24T22:00:00.000Z');
  it('is now for today, and the end of a past day in UTC', () => {
    expect(evidenceAt('2026-11-24', '2026-11-24', now)).toBeUndefined();
    expect(evidenceAt('2026-11-18', '2026-11-24', now)).toBe(
      '2026-11-18T23:59:59.999Z',
    );
  });

  it('is now when the end of that day in UTC is still ahead (east of UTC, just after midnight)', () => {
    // 08:00 on Nov 25 in UTC+10: yesterday, Nov 24, ends in UTC two hours from now
    expect(evidenceAt('2026-11-24', '2026-11-25', now)).toBeUndefined();
  });

  it('offers days up to today only', () => {
    expect(isEvidenceDay('2026-11-24', '2026-11-24')).toBe(true);
    expect(isEvidenceDay('2026-11-25', '2026-11-24')).toBe(false);
    expect(isEvidenceDay('', '2026-11-24')).toBe(false);
  });
});
