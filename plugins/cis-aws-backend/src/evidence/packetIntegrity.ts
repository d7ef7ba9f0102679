import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  EvidenceIntegrity,
  EvidencePacket,
} from '@cis-aws/plugin-cis-aws-common';
import { sha256Canonical } from '../lib/canonicalJson';
import { ChainBreak, EvidenceChainStore } from '../storage/EvaluationStore';

/** How a packet's hashes are computed, as the packet states it. */
export const INTEGRITY_METHOD =
  'SHA-256 (lower-case hex) over RFC 8785 canonical JSON (keys sorted, no whitespace). packetDigest covers the whole packet without integrity.packetDigest and integrity.signature; chain hashes cover {chain, accountId, seq, table, prev, record} of each stored row.';

/** The key packets are signed with (`cisAws.evidence.signingKey`), and its public id. */
export interface EvidenceSigning {
  key: string;
  /** The first 16 hex digits of the SHA-256 of the key: names it without revealing it. */
  keyId: string;
}

export function signingFromKey(
  key: string | undefined,
): EvidenceSigning | undefined {
  return key
    ? {
        key,
        keyId: sha256Canonical(`cis-aws-evidence-key:${key}`).slice(0, 16),
      }
    : undefined;
}

/** The packet's digest: its canonical JSON without the digest and signature themselves. */
export function packetDigest(packet: EvidencePacket): string {
  const { integrity, ...rest } = packet;
  if (!integrity) return sha256Canonical(rest);
  const {
    packetDigest: _digest,
    signature: _signature,
    ...covered
  } = integrity;
  return sha256Canonical({ ...rest, integrity: covered });
}

function hmac(key: string, digest: string): string {
  return createHmac('sha256', key).update(digest, 'utf8').digest('hex');
}

/** The packet with its digest (and signature, when a key is configured) filled in. */
export function sealPacket(
  packet: Omit<EvidencePacket, 'integrity'> & {
    integrity: Omit<EvidenceIntegrity, 'packetDigest' | 'signature'>;
  },
  signing?: EvidenceSigning,
): EvidencePacket {
  const unsealed = {
    ...packet,
    integrity: { ...packet.integrity, packetDigest: '' },
  };
  const digest = packetDigest(unsealed);
  return {
    ...packet,
    integrity: {
      ...packet.integrity,
      packetDigest: digest,
      ...(signing
        ? {
            signature: {
              algorithm: 'HMAC-SHA256' as const,
              keyId: signing.keyId,
              value: hmac(signing.key, digest),
            },
          }
        : {}),
    },
  };
}

export type CheckStatus = 'ok' | 'failed' | 'unverifiable';

export interface IntegrityCheck {
  check: string;
  status: CheckStatus;
  detail: string;
}

/** What re-checking a packet found. */
export interface PacketVerification {
  /** No check failed (some may be unverifiable: say which). */
  ok: boolean;
  accountId: string;
  checks: IntegrityCheck[];
  /** The first broken link of a chain the packet relies on. */
  broken?: ChainBreak;
}

type ChainReader = Pick<EvidenceChainStore, 'verifyChain' | 'findLink'>;

async function checkLink(
  store: ChainReader,
  what: string,
  accountId: string,
  link: { seq: number; hash: string },
): Promise<IntegrityCheck> {
  const stored = await store.findLink(accountId, link.seq);
  if (!stored) {
    return {
      check: what,
      status: 'unverifiable',
      detail: `link ${link.seq} of account ${accountId} is no longer stored (retention deleted it)`,
    };
  }
  return stored.hash === link.hash
    ? {
        check: what,
        status: 'ok',
        detail: `link ${link.seq} of account ${accountId} (${stored.table}, row ${stored.rowId}) has the stated hash`,
      }
    : {
        check: what,
        status: 'failed',
        detail: `link ${link.seq} of account ${accountId} (${stored.table}, row ${stored.rowId}) has hash ${stored.hash}, the packet states ${link.hash}`,
      };
}

/**
 * Re-checks a packet: its digest (was it edited?), its signature (with the configured key), the
 * chains of its account and of the organization trail owners it embeds, and that the chain
 * links it states are those stored.
 */
export async function verifyPacket(
  packet: EvidencePacket,
  store: ChainReader,
  signing?: EvidenceSigning,
): Promise<PacketVerification> {
  const accountId = packet.account.accountId;
  const checks: IntegrityCheck[] = [];
  const integrity = packet.integrity;
  if (!integrity) {
    return {
      ok: false,
      accountId,
      checks: [
        {
          check: 'packet digest',
          status: 'failed',
          detail:
            'the packet carries no integrity section (made by an older version, or removed)',
        },
      ],
    };
  }
  const digest = packetDigest(packet);
  checks.push(
    digest === integrity.packetDigest
      ? { check: 'packet digest', status: 'ok', detail: `SHA-256 ${digest}` }
      : {
          check: 'packet digest',
          status: 'failed',
          detail: `the packet was changed after it was produced: its content hashes to ${digest}, it states ${integrity.packetDigest}`,
        },
  );
  if (integrity.signature) {
    if (!signing) {
      checks.push({
        check: 'signature',
        status: 'unverifiable',
        detail:
          'no signing key is configured here (cisAws.evidence.signingKey)',
      });
    } else if (signing.keyId !== integrity.signature.keyId) {
      checks.push({
        check: 'signature',
        status: 'unverifiable',
        detail: `signed with key ${integrity.signature.keyId}; the configured key is ${signing.keyId}`,
      });
    } else {
      const expected = Buffer.from(hmac(signing.key, integrity.packetDigest));
      const stated = Buffer.from(integrity.signature.value);
      const matches =
        expected.length === stated.length && timingSafeEqual(expected, stated);
      checks.push({
        check: 'signature',
        status: matches ? 'ok' : 'failed',
        detail: matches
          ? `HMAC-SHA256 with key ${signing.keyId}`
          : 'the signature does not match the packet digest',
      });
    }
  }

  let broken: ChainBreak | undefined;
  const owners = new Set<string>();
  for (const trail of packet.trails) {
    if (trail.organizationTrail?.evaluation) {
      owners.add(trail.organizationTrail.ownerAccountId);
    }
  }
  for (const chainAccount of [
    accountId,
    ...[...owners].filter(id => id !== accountId),
  ]) {
    const result = await store.verifyChain(chainAccount);
    if (result.broken) {
      broken ??= result.broken;
      checks.push({
        check: `chain of ${chainAccount}`,
        status: 'failed',
        detail: `${result.broken.table}${
          result.broken.rowId !== undefined ? ` row ${result.broken.rowId}` : ''
        }${
          result.broken.seq !== undefined ? ` (link ${result.broken.seq})` : ''
        }${result.broken.at ? ` at ${result.broken.at}` : ''}: ${
          result.broken.problem
        }`,
      });
    } else {
      checks.push({
        check: `chain of ${chainAccount}`,
        status: 'ok',
        detail: `${result.links} links intact`,
      });
    }
  }
  if (integrity.chainHead) {
    checks.push(
      await checkLink(store, 'chain head', accountId, integrity.chainHead),
    );
  }
  if (integrity.evaluationRecord) {
    checks.push(
      await checkLink(
        store,
        'evaluation record',
        accountId,
        integrity.evaluationRecord,
      ),
    );
  }
  for (const trail of packet.trails) {
    const embedded = trail.organizationTrail;
    if (embedded?.evaluation) {
      checks.push(
        await checkLink(
          store,
          `organization trail ${trail.name}: owner's evaluation`,
          embedded.ownerAccountId,
          embedded.evaluation,
        ),
      );
    }
  }
  return {
    ok: checks.every(check => check.status !== 'failed'),
    accountId,
    checks,
    ...(broken ? { broken } : {}),
  };
}

/** What re-checking the whole store found. */
export interface StoreVerification {
  ok: boolean;
  accounts: number;
  links: number;
  /** The first broken link of each account whose chain does not hold. */
  broken: ChainBreak[];
}

export async function verifyStore(
  store: Pick<EvidenceChainStore, 'verifyChain' | 'listChainAccounts'>,
  accountIds?: readonly string[],
): Promise<StoreVerification> {
  const ids = accountIds ?? (await store.listChainAccounts());
  let links = 0;
  const broken: ChainBreak[] = [];
  for (const accountId of ids) {
    const result = await store.verifyChain(accountId);
    links += result.links;
    if (result.broken) broken.push(result.broken);
  }
  return { ok: broken.length === 0, accounts: ids.length, links, broken };
}
