import { Config } from '@backstage/config';
import { redactCounting } from '../aws/errors';

/**
 * The last check before evidence leaves the backend. Collected facts are already redacted
 * when collected, but a packet also carries free text from people (exception reasons, revoke
 * reasons) and from AWS (error messages, policy documents): anything credential-like in them is
 * replaced here, in both formats, and counted so the packet can say so.
 */

/** `value` with every string (keys included) redacted, and how many redactions were made. */
export function redactSecretsDeep<T>(
  value: T,
  knownSecrets: readonly string[] = [],
): { value: T; redactions: number } {
  let redactions = 0;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const result = redactCounting(node, knownSecrets);
      redactions += result.redactions;
      return result.text;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          visit(key) as string,
          visit(child),
        ]),
      );
    }
    return node;
  };
  return { value: visit(value) as T, redactions };
}

/** A rendered document (Markdown, serialized JSON) redacted once more, as a last line. */
export function redactSecretsInText(
  text: string,
  knownSecrets: readonly string[] = [],
): { text: string; redactions: number } {
  return redactCounting(text, knownSecrets);
}

/**
 * The secrets this backend is configured with, so that a packet can never echo one even where
 * no pattern would recognise it (a static token is any string): Backstage's service-to-service
 * keys and static external-access tokens, and the AWS keys of the integration.
 */
export function configuredSecrets(config: Config): string[] {
  const secrets = new Set<string>();
  // Malformed config is the config schema's business: here a value that is not a string is
  // simply not a secret to look for.
  const add = (holder: Config | undefined, key: string) => {
    const value = holder?.getOptional(key);
    if (typeof value === 'string' && value !== '') secrets.add(value);
  };
  const configs = (key: string, from: Config | undefined = config) => {
    try {
      return from?.getOptionalConfigArray(key) ?? [];
    } catch {
      return [];
    }
  };
  try {
    add(config.getOptionalConfig('cisAws.evidence'), 'signingKey');
  } catch {
    // not a section: config.ts reports it
  }
  for (const key of configs('backend.auth.keys')) add(key, 'secret');
  for (const access of configs('backend.auth.externalAccess')) {
    add(access, 'options.token');
    add(access, 'options.secret');
  }
  let aws: Config | undefined;
  try {
    aws = config.getOptionalConfig('aws');
  } catch {
    aws = undefined;
  }
  for (const holder of [
    aws,
    ...['mainAccount', 'accountDefaults'].map(key => {
      try {
        return aws?.getOptionalConfig(key);
      } catch {
        return undefined;
      }
    }),
    ...configs('accounts', aws),
  ]) {
    add(holder, 'secretAccessKey');
    add(holder, 'accessKeyId');
  }
  return [...secrets];
}
