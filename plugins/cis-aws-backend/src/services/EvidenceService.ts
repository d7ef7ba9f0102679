import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  EvidenceFormat,
  EvidencePacket,
  isAwsAccountId,
} from '@cis-aws/plugin-cis-aws-common';
import { EvidenceOptions } from '../evidence/buildEvidencePacket';
import {
  EVIDENCE_CONTENT_TYPES,
  evidenceFileName,
  EvidenceSources,
  produceEvidencePacket,
  serializeEvidence,
} from '../evidence/produceEvidence';
import {
  PacketVerification,
  signingFromKey,
  StoreVerification,
  verifyPacket,
  verifyStore,
} from '../evidence/packetIntegrity';
import {
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
  listAllAccounts,
} from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';
import { principalName } from './principal';

/** An evidence packet as the bytes of a download. */
export interface EvidenceDownload {
  body: string;
  contentType: string;
  fileName: string;
}

/** What re-checking found: one packet, or every chain the caller may read. */
export type EvidenceVerificationReport =
  | ({ scope: 'packet' } & PacketVerification)
  | ({ scope: 'store' } & StoreVerification);

/** The audit evidence packet of an account, made from stored evaluations only. */
export interface EvidenceService {
  /**
   * The packet describing the account at `at` (default now): 400 when `at` is in the future,
   * 404 when the account is unknown or unreadable. Credential-like strings are redacted.
   */
  producePacket(
    accountId: string,
    request: { format: EvidenceFormat; at?: Date },
    options: { credentials: BackstageCredentials },
  ): Promise<EvidenceDownload>;

  /**
   * Re-checks a packet (its digest, signature and the chain links it states), or without one
   * the evidence chain of every account the caller may read; the report names the first
   * broken link. A packet of an account the caller may not read is a 404.
   */
  verify(
    request: { packet?: unknown },
    options: { credentials: BackstageCredentials },
  ): Promise<EvidenceVerificationReport>;
}

/** What {@link DefaultEvidenceService} is made of. */
export interface EvidenceServiceDeps {
  store: EvaluationStore & EvidenceChainStore;
  exceptions: ExceptionStore;
  access: CatalogAccess;
  /** `readCisAwsOptions(config)` (its evidence, securityHub and maxDeliveryAgeMs). */
  options: EvidenceOptions;
  logger: LoggerService;
  /** Configured secrets never to echo: `configuredSecrets(config)`. */
  knownSecrets?: readonly string[];
  /** Detection content for the packet's detection section; none without it. */
  controls?: EvidenceSources['controls'];
  /** The clock; tests pin it. */
  now?: () => Date;
}

export class DefaultEvidenceService implements EvidenceService {
  static create(deps: EvidenceServiceDeps): EvidenceService {
    return new DefaultEvidenceService({
      ...deps,
      now: deps.now ?? (() => new Date()),
    });
  }

  private constructor(
    private readonly deps: EvidenceServiceDeps & { now: () => Date },
  ) {}

  async producePacket(
    accountId: string,
    request: { format: EvidenceFormat; at?: Date },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EvidenceDownload> {
    const { store, exceptions, options, knownSecrets, controls } = this.deps;
    const producedAt = this.deps.now();
    const asOf = request.at ?? producedAt;
    if (asOf.getTime() > producedAt.getTime()) {
      throw new InputError(
        `Invalid request: at: ${asOf.toISOString()} is in the future; evidence can only describe the past`,
      );
    }
    const stored = await this.deps.access.readableAccount(
      store,
      accountId,
      credentials,
    );
    const packet = await produceEvidencePacket(
      { store, exceptions, options, knownSecrets, controls },
      {
        mapping: stored,
        current: stored,
        asOf,
        producedAt,
        producedBy: principalName(credentials),
      },
    );
    const { body, redactions } = serializeEvidence(
      packet,
      request.format,
      knownSecrets,
    );
    const total = (packet.produced.redactions ?? 0) + redactions;
    if (total > 0) {
      // The count only: what was redacted must not reach the logs either.
      this.deps.logger
        .child({ accountId })
        .warn('evidence packet redacted', { redactions: total });
    }
    return {
      body,
      contentType: EVIDENCE_CONTENT_TYPES[request.format],
      fileName: evidenceFileName(accountId, asOf, request.format),
    };
  }

  async verify(
    request: { packet?: unknown },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EvidenceVerificationReport> {
    const { store, access, options } = this.deps;
    if (request.packet === undefined) {
      const readable = await access.readableAccountEntityRefs(credentials);
      const accounts = await listAllAccounts(store, {
        readableEntityRefs: readable,
      });
      const report = await verifyStore(
        store,
        accounts.map(account => account.accountId),
      );
      return { scope: 'store', ...report };
    }
    const packet = asPacket(request.packet);
    await access.readableAccount(store, packet.account.accountId, credentials);
    const report = await verifyPacket(
      packet,
      store,
      signingFromKey(options.evidence.signingKey),
    );
    return { scope: 'packet', ...report };
  }
}

/** Enough of a packet to re-check it; the digest check covers everything else. */
function asPacket(value: unknown): EvidencePacket {
  const packet = value as Partial<EvidencePacket> | null;
  if (
    typeof packet !== 'object' ||
    packet === null ||
    Array.isArray(packet) ||
    typeof packet.account?.accountId !== 'string' ||
    !isAwsAccountId(packet.account.accountId) ||
    !Array.isArray(packet.trails)
  ) {
    throw new InputError(
      'Invalid request: packet: not an evidence packet (a JSON packet from GET /v1/accounts/{accountId}/evidence)',
    );
  }
  return packet as EvidencePacket;
}
