import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { DiagnosticsCard } from './DiagnosticsCard';

setupMswServer();

// usePermission caches its answer for the whole file: here the user may not run evaluations.
describe('DiagnosticsCard for a user who may not run evaluations', () => {
  it('shows nothing and asks the backend nothing', async () => {
    let asked = false;
    server.use(
      http.get(`${BACKEND}/v1/diagnostics`, () => {
        asked = true;
        return HttpResponse.json({});
      }),
    );
    await renderWithApis(<DiagnosticsCard />, {
      evaluate: AuthorizeResult.DENY,
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(
      screen.queryByTestId('cis-diagnostics-security-hub'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Diagnostics')).not.toBeInTheDocument();
    expect(asked).toBe(false);
  });
});
