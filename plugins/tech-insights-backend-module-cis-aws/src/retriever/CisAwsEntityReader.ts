import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  EntityResultResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { parseEntityResult } from './entityFacts';

/** How many of an entity's accounts one request reads (the API's largest page). */
const ACCOUNTS_PAGE = 1000;

/**
 * The entities that get CIS 2.4 facts, as catalog filters (one per line, OR
 * between them): the systems (their accounts are their parts), the groups
 * (the accounts they own) and the accounts themselves, which are the
 * resources carrying `amazonaws.com/account-id`. A resource without the
 * annotation is no account, so it is not asked about.
 */
export const CIS_AWS_ENTITY_FILTERS: readonly string[] = [
  'kind=system',
  'kind=group',
  `kind=resource,metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`,
];

const PAGE_SIZE = 500;

interface QueryEntitiesPage {
  items: {
    kind: string;
    metadata: { name: string; namespace?: string };
  }[];
  pageInfo?: { nextCursor?: string };
}

/**
 * Reads what the fact retriever needs over the plugins' own HTTP APIs, with
 * the tech-insights plugin's service credentials: the entities from the
 * catalog, and each entity's aggregate result from the cis-aws backend
 * (`GET /v1/entities/{kind}/{namespace}/{name}`), which already knows how a
 * system or a group maps to accounts. Talking HTTP rather than importing the
 * cis-aws backend keeps this module installable wherever the cis-aws plugin
 * runs, even in another backend.
 */
export class CisAwsEntityReader {
  private constructor(
    private readonly catalogBaseUrl: string,
    private readonly catalogToken: string,
    private readonly cisAwsBaseUrl: string,
    private readonly cisAwsToken: string,
  ) {}

  /** Resolves both plugins' base URLs and a token for each, for one run. */
  static async create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): Promise<CisAwsEntityReader> {
    const { discovery, auth } = options;
    const credentials = await auth.getOwnServiceCredentials();
    const tokenFor = async (targetPluginId: string) =>
      (
        await auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId,
        })
      ).token;
    const [catalogBaseUrl, catalogToken, cisAwsBaseUrl, cisAwsToken] =
      await Promise.all([
        discovery.getBaseUrl('catalog'),
        tokenFor('catalog'),
        discovery.getBaseUrl('cis-aws'),
        tokenFor('cis-aws'),
      ]);
    return new CisAwsEntityReader(
      catalogBaseUrl,
      catalogToken,
      cisAwsBaseUrl,
      cisAwsToken,
    );
  }

  /** Every system, group and AWS account in the catalog, page by page. */
  async listEntities(): Promise<CompoundEntityRef[]> {
    const refs: CompoundEntityRef[] = [];
    let cursor: string | undefined;
    do {
      const params = new URLSearchParams();
      if (cursor) {
        params.set('cursor', cursor);
      } else {
        CIS_AWS_ENTITY_FILTERS.forEach(filter =>
          params.append('filter', filter),
        );
      }
      params.set('fields', 'kind,metadata.namespace,metadata.name');
      params.set('limit', String(PAGE_SIZE));
      const page = (await this.getJson(
        `${this.catalogBaseUrl}/entities/by-query?${params}`,
        this.catalogToken,
      )) as QueryEntitiesPage;
      for (const item of page.items) {
        refs.push({
          kind: item.kind,
          namespace: item.metadata.namespace ?? 'default',
          name: item.metadata.name,
        });
      }
      cursor = page.pageInfo?.nextCursor;
    } while (cursor);
    return refs;
  }

  /**
   * The entity's result, or undefined when the cis-aws backend answers 404
   * (it does not know the entity, e.g. it left the catalog since it was
   * listed): no result means no facts, not an error. Throws on any other
   * failure and on a body that is not an entity result.
   */
  async readEntityResult(
    ref: CompoundEntityRef,
  ): Promise<EntityResultResponse | undefined> {
    const path = [ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/');
    // The API lists an entity's accounts a page at a time (worst first); the facts are made of
    // all of them, so read every page.
    const read = async (offset: number) => {
      const body = await this.getJson(
        `${this.cisAwsBaseUrl}/v1/entities/${path}?offset=${offset}&limit=${ACCOUNTS_PAGE}`,
        this.cisAwsToken,
        { notFound: 'undefined' },
      );
      return body === undefined ? undefined : parseEntityResult(body);
    };
    const first = await read(0);
    if (!first) return undefined;
    const accounts = [...first.accounts];
    // An API without accountCount sends every account at once.
    const total = first.accountCount ?? accounts.length;
    while (accounts.length < total) {
      const next = await read(accounts.length);
      if (!next || next.accounts.length === 0) break; // it shrank meanwhile
      accounts.push(...next.accounts);
    }
    return { ...first, accounts, offset: 0, limit: accounts.length };
  }

  private async getJson(
    url: string,
    token: string,
    options: { notFound?: 'undefined' } = {},
  ): Promise<unknown> {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status === 404 && options.notFound === 'undefined') {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
