import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithApis, setupMswServer } from '../../__testUtils__/render';
import { CisAwsPage } from './CisAwsPage';
import { rows, setup, syntheticAccounts } from './__testUtils__/fakeBackend';

setupMswServer();

describe('CSV export', () => {
  const created: Blob[] = [];
  let click: jest.SpyInstance;
  beforeEach(() => {
    created.length = 0;
    (URL as any).createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:cis-aws';
    });
    (URL as any).revokeObjectURL = jest.fn();
    click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
  });
  afterEach(() => click.mockRestore());

  /** The temporary link that was clicked: a download of the Blob's object URL. */
  const expectDownloadLink = () => {
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toMatch(
      /^cis-aws-2\.4-accounts-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    expect(link.href).toBe('blob:cis-aws');
    expect(link.isConnected).toBe(false);
  };

  const blobText = (blob: Blob) =>
    typeof blob.text === 'function'
      ? blob.text()
      : new Promise<string>(resolve => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result as string);
          reader.readAsText(blob);
        });

  it('fetches every page of the current view and downloads it', async () => {
    const accounts = [
      ...syntheticAccounts(1205, 'FAIL'),
      ...syntheticAccounts(3, 'PASS'),
    ];
    const { listRequests } = setup(accounts);
    await renderWithApis(<CisAwsPage />);
    await rows();
    fireEvent.click(screen.getByTestId('cis-filter-FAIL'));
    await waitFor(() =>
      expect(listRequests().at(-1)!.getAll('verdict')).toEqual(['FAIL']),
    );
    const before = listRequests().length;

    fireEvent.click(screen.getByRole('button', { name: /export csv/i }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expectDownloadLink();

    const exportRequests = listRequests().slice(before);
    expect(exportRequests.map(p => [p.get('offset'), p.get('limit')])).toEqual([
      ['0', '1000'],
      ['1000', '1000'],
    ]);
    for (const params of exportRequests) {
      expect(params.getAll('verdict')).toEqual(['FAIL']);
      expect(params.get('orderBy')).toBe('verdict');
    }
    const lines = (await blobText(created[0])).split('\r\n');
    expect(lines[0]).toBe(
      'accountId,title,verdict,reason,trailReasons,reasonText,ownerRef,systemRef,evaluatedAt,verdictSince,failingSince,stale,securityHubStatus,securityHubAgrees,entityRef,detectionVerdict,detectionReason,detectionFailingChecks',
    );
    expect(lines).toHaveLength(1 + 1205 + 1); // header, rows, final CRLF
    expect(lines[1]).toBe(
      '500000000000,account-0000,FAIL,NO_TRAILS,,No trails,group:default/data-team,system:default/analytics,' +
        '2026-11-24T09:10:56.695Z,2026-11-24T08:52:40.128Z,2026-11-24T08:52:40.128Z,false,UNKNOWN,,resource:default/account-0,,,',
    );
    expect(created[0].type).toContain('text/csv');
  }, 120_000);

  it('exports the searched view', async () => {
    const { listRequests } = setup();
    await renderWithApis(<CisAwsPage />);
    await rows();
    await userEvent.type(screen.getByLabelText('Search accounts'), 'checkout');
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(1),
    );
    fireEvent.click(screen.getByRole('button', { name: /export csv/i }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expectDownloadLink();
    expect(listRequests().at(-1)!.get('search')).toBe('checkout');
    const lines = (await blobText(created[0])).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^407788990011,checkout-dev \(407788990011\),FAIL,TRAIL_FAILED,/,
    );
  }, 120_000);
});
