export interface Config {
  app?: {
    /**
     * How the portal signs people in. One app build serves both, so this is
     * read at run time from the config the backend injects into the app.
     *
     * - `guest` (the default): the demo's guest sign-in page
     *   (app-config.yaml; the guest provider works only in development).
     * - `oauth2Proxy`: production behind an authenticating reverse proxy
     *   (oauth2-proxy); there is no sign-in page, the proxy's session is
     *   exchanged for a Backstage identity (app-config.production.yaml,
     *   docs/production.md).
     *
     * @visibility frontend
     */
    signInPage?: 'guest' | 'oauth2Proxy';
  };
}
