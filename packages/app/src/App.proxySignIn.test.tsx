import { render, screen, waitFor } from '@testing-library/react';
import App from './App';

// Its own file: an app reads its config once, on first render.
describe('App in production', () => {
  it('signs in through the authenticating proxy when app.signInPage is oauth2Proxy', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', signInPage: 'oauth2Proxy' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    const fetchMock = jest.fn(async () => ({
      ok: false,
      status: 401,
      statusText: 'Unauthorized',
      headers: new Map([['content-type', 'text/plain']]),
      text: async () => 'no session',
    }));
    const originalFetch = global.fetch;
    global.fetch = fetchMock as any;
    try {
      render(<App />);
      await waitFor(() =>
        expect(fetchMock).toHaveBeenCalledWith(
          'http://localhost:7007/api/auth/oauth2Proxy/refresh',
          expect.objectContaining({ credentials: 'include' }),
        ),
      );
      // No guest: no sign-in page of its own, the proxy signs people in.
      expect(screen.queryByText('Guest')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
    } finally {
      global.fetch = originalFetch;
    }
  });
});
