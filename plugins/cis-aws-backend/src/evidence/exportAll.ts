import {
  AccountSummary,
  EvidencePacket,
  Verdict,
  VERDICTS,
} from '@cis-aws/plugin-cis-aws-common';
import { NotFoundError } from '@backstage/errors';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import {
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
  listAllAccounts,
} from '../storage/EvaluationStore';
import { EvidenceOptions } from './buildEvidencePacket';
import { evidenceGenerator } from './generator';
import { code, table, text, when } from './markdown';
import {
  evidenceDay,
  EvidenceSources,
  produceEvidencePacket,
  serializeEvidence,
} from './produceEvidence';
import { redactSecretsDeep } from './secretGuard';

export const EVIDENCE_INDEX_SCHEMA = 'cis-aws-evidence-index/v1';
export const PACKET_BASENAME = 'cis-2.4-evidence';

/** One account's line in the index. */
export interface EvidenceIndexEntry {
  accountId: string;
  title: string;
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  /** The verdict at `asOf`; NOT_EVALUATED when the account had no evaluation by then. */
  verdict: Verdict | 'NOT_EVALUATED';
  reason?: string;
  evaluatedAt?: string;
  activeExceptions: number;
  /** Relative to the export directory, with `/`. */
  json: string;
  markdown: string;
}

export interface EvidenceIndex {
  schema: typeof EVIDENCE_INDEX_SCHEMA;
  asOf: string;
  producedAt: string;
  producedBy: string;
  generator: string;
  totals: Record<Verdict | 'NOT_EVALUATED', number>;
  accounts: EvidenceIndexEntry[];
}

export interface ExportEvidenceOptions {
  store: EvaluationStore & EvidenceChainStore;
  exceptions: ExceptionStore;
  options: EvidenceOptions;
  outDir: string;
  at: Date;
  /** Only these accounts; each must be in the store. Default: every account. */
  accountIds?: string[];
  producedBy?: string;
  knownSecrets?: readonly string[];
  /**
   * Detection content (`cis-3.x-detection`): each packet gets its detection section, as the
   * API's packet does. Leave it out when `cisAws.detection.enabled` is false.
   */
  controls?: EvidenceSources['controls'];
  now?: () => Date;
}

export interface ExportEvidenceResult {
  index: EvidenceIndex;
  /** Absolute paths of the index files. */
  indexFiles: { json: string; markdown: string };
  redactions: number;
}

function totalsOf(entries: EvidenceIndexEntry[]): EvidenceIndex['totals'] {
  const totals = Object.fromEntries(
    [...VERDICTS, 'NOT_EVALUATED'].map(verdict => [verdict, 0]),
  ) as EvidenceIndex['totals'];
  for (const entry of entries) totals[entry.verdict] += 1;
  return totals;
}

function indexEntry(
  account: AccountSummary,
  packet: EvidencePacket,
  dir: string,
): EvidenceIndexEntry {
  return {
    accountId: account.accountId,
    title: account.title,
    entityRef: account.entityRef,
    ...(account.ownerRef ? { ownerRef: account.ownerRef } : {}),
    ...(account.systemRef ? { systemRef: account.systemRef } : {}),
    verdict: packet.result?.verdict ?? 'NOT_EVALUATED',
    ...(packet.result?.reason ? { reason: packet.result.reason } : {}),
    ...(packet.result ? { evaluatedAt: packet.result.evaluatedAt } : {}),
    activeExceptions: packet.activeExceptions.length,
    json: `${dir}/${PACKET_BASENAME}.json`,
    markdown: `${dir}/${PACKET_BASENAME}.md`,
  };
}

/** The index as Markdown: every account, its verdict and its files. */
export function renderIndexMarkdown(index: EvidenceIndex): string {
  const totals = Object.entries(index.totals)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
    .join(', ');
  return `${[
    '# CIS AWS 2.4 evidence: every account',
    '',
    `As of ${when(index.asOf)}; produced at ${when(
      index.producedAt,
    )} for ${code(index.producedBy)} by ${code(
      index.generator,
    )} from stored evaluations (no AWS call was made).`,
    '',
    `${index.accounts.length} accounts${totals ? `: ${totals}` : ''}.`,
    '',
    table(
      [
        'Account',
        'Title',
        'Owner',
        'Verdict',
        'Reason',
        'Evaluated at',
        'Exceptions in force',
        'Packet',
      ],
      index.accounts.map(entry => [
        code(entry.accountId),
        text(entry.title),
        entry.ownerRef ? code(entry.ownerRef) : '—',
        entry.verdict,
        entry.reason ? code(entry.reason) : '—',
        entry.evaluatedAt ? when(entry.evaluatedAt) : '—',
        String(entry.activeExceptions),
        `[Markdown](${entry.markdown}) · [JSON](${entry.json})`,
      ]),
    ),
  ].join('\n')}\n`;
}

/**
 * Writes every account's packet at `at` in the layout the runbook recommends (by account id
 * and date): `<outDir>/<accountId>/<YYYY-MM-DD>/cis-2.4-evidence.{json,md}`, plus
 * `<outDir>/index.{md,json}` listing every account with its verdict and files.
 */
export async function exportEvidence(
  input: ExportEvidenceOptions,
): Promise<ExportEvidenceResult> {
  const { store, exceptions, options, outDir, at, knownSecrets, controls } =
    input;
  const producedAt = (input.now ?? (() => new Date()))();
  const producedBy = input.producedBy ?? 'cis-aws evidence export';
  const requested = input.accountIds
    ? [...new Set(input.accountIds)]
    : undefined;
  const accounts = await listAllAccounts(
    store,
    requested ? { accountIds: requested } : {},
  );
  if (requested) {
    const found = new Set(accounts.map(account => account.accountId));
    const missing = requested.filter(id => !found.has(id));
    if (missing.length > 0) {
      throw new NotFoundError(
        `No CIS 2.4 result for AWS account ${missing.join(', ')}`,
      );
    }
  }
  accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));

  const day = evidenceDay(at);
  const entries: EvidenceIndexEntry[] = new Array(accounts.length);
  let redactions = 0;
  await forEachWithConcurrency(accounts, 4, async (account, position) => {
    const packet = await produceEvidencePacket(
      { store, exceptions, options, knownSecrets, controls },
      { mapping: account, current: account, asOf: at, producedAt, producedBy },
    );
    const dir = `${account.accountId}/${day}`;
    await mkdir(join(outDir, dir), { recursive: true });
    redactions += packet.produced.redactions ?? 0;
    for (const format of ['json', 'md'] as const) {
      const serialized = serializeEvidence(packet, format, knownSecrets);
      redactions += serialized.redactions;
      await writeFile(
        join(outDir, dir, `${PACKET_BASENAME}.${format}`),
        serialized.body,
        'utf8',
      );
    }
    entries[position] = indexEntry(account, packet, dir);
  });

  const unguarded: EvidenceIndex = {
    schema: EVIDENCE_INDEX_SCHEMA,
    asOf: at.toISOString(),
    producedAt: producedAt.toISOString(),
    producedBy,
    generator: evidenceGenerator(),
    totals: totalsOf(entries),
    accounts: entries,
  };
  const guarded = redactSecretsDeep(unguarded, knownSecrets);
  const index = guarded.value;
  redactions += guarded.redactions;
  const indexFiles = {
    json: join(outDir, 'index.json'),
    markdown: join(outDir, 'index.md'),
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(
    indexFiles.json,
    `${JSON.stringify(index, null, 2)}\n`,
    'utf8',
  );
  await writeFile(indexFiles.markdown, renderIndexMarkdown(index), 'utf8');
  return { index, indexFiles, redactions };
}
