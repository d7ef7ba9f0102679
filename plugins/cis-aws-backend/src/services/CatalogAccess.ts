import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotFoundError } from '@backstage/errors';
import { AWS_ACCOUNT_ID_ANNOTATION } from '@cis-aws/plugin-cis-aws-common';
import {
  EvaluationStore,
  StoredAccountDetail,
} from '../storage/EvaluationStore';

/**
 * What a caller may see, decided by the catalog itself: a request asks the
 * catalog with the caller's own credentials, so the catalog's permission
 * policy (catalogEntityReadPermission and its conditions) applies as is.
 */
export class CatalogAccess {
  static create(options: { catalog: CatalogService }): CatalogAccess {
    return new CatalogAccess(options.catalog);
  }

  private constructor(private readonly catalog: CatalogService) {}

  /** The refs of the account-carrying entities the caller may read. */
  async readableAccountEntityRefs(
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const refs = new Set<string>();
    const stream = this.catalog.streamEntities(
      {
        filter: {
          [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    for await (const page of stream) {
      for (const entity of page) refs.add(stringifyEntityRef(entity));
    }
    return refs;
  }

  async canRead(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return (
      (await this.catalog.getEntityByRef(entityRef, { credentials })) !==
      undefined
    );
  }

  /** An unknown account and an unreadable one get the same 404, so existence does not leak. */
  async requireReadable(
    entityRef: string | undefined,
    accountId: string,
    credentials: BackstageCredentials,
  ): Promise<string> {
    if (!entityRef || !(await this.canRead(entityRef, credentials))) {
      throw new NotFoundError(`AWS account ${accountId} is not in the catalog`);
    }
    return entityRef;
  }

  /**
   * The stored result of an account whose entity the caller may read. An unknown account and an
   * unreadable one get the same 404, so existence does not leak.
   */
  async readableAccount(
    store: Pick<EvaluationStore, 'getAccount'>,
    accountId: string,
    credentials: BackstageCredentials,
  ): Promise<StoredAccountDetail> {
    const stored = await store.getAccount(accountId);
    if (!stored || !(await this.canRead(stored.entityRef, credentials))) {
      throw new NotFoundError(`No CIS 2.4 result for AWS account ${accountId}`);
    }
    return stored;
  }
}
