import { ConfigReader } from '@backstage/config';
import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCisAwsOptions } from '../config';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { EvidenceIndex, exportEvidence } from './exportAll';
import { anApprovedException } from '../storage/__testUtils__/exceptions';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 24 * 60;
const OPTIONS = readCisAwsOptions(new ConfigReader({}));

describe.each(databases.eachSupportedId())(
  'exportEvidence on %s',
  databaseId => {
    let store: DatabaseEvaluationStore;
    let outDir: string;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
      outDir = mkdtempSync(join(tmpdir(), 'cis-aws-evidence-'));
      // account 1 passes on day 1 and fails from day 2; account 2 fails, with an exception;
      // account 3 is first evaluated on day 3.
      const saves = [
        [1, 'PASS', 60],
        [1, 'FAIL', DAY + 60],
        [2, 'FAIL', 90],
        [3, 'PASS', 2 * DAY + 60],
      ] as const;
      for (const [n, verdict, minute] of saves) {
        await store.saveResult({
          mapping: aMapping(accountId(n), { title: `Account ${n}` }),
          evaluation: anEvaluation(accountId(n), verdict, { minute }),
        });
      }
      await anApprovedException(store, {
        accountId: accountId(2),
        reason: 'Being rebuilt',
        approvedBy: 'user:default/ciso',
        expiresAt: at(30 * DAY),
        createdBy: 'user:default/alice',
        createdAt: at(100),
      });
    });

    afterEach(() => {
      rmSync(outDir, { recursive: true, force: true });
    });

    const read = (path: string) => readFileSync(join(outDir, path), 'utf8');

    it('writes every account by id and date, with an index of verdicts and paths', async () => {
      const result = await exportEvidence({
        store,
        exceptions: store,
        options: OPTIONS,
        outDir,
        at: new Date(at(3 * DAY)),
        producedBy: 'cli:auditor',
        now: () => new Date(at(5 * DAY)),
      });

      expect(readdirSync(outDir).sort()).toEqual([
        accountId(1),
        accountId(2),
        accountId(3),
        'index.json',
        'index.md',
      ]);
      for (const n of [1, 2, 3]) {
        expect(readdirSync(join(outDir, accountId(n)))).toEqual(['2026-01-04']);
        expect(
          readdirSync(join(outDir, accountId(n), '2026-01-04')).sort(),
        ).toEqual(['cis-2.4-evidence.json', 'cis-2.4-evidence.md']);
      }

      const packet: EvidencePacket = JSON.parse(
        read(`${accountId(1)}/2026-01-04/cis-2.4-evidence.json`),
      );
      expect(packet.asOf).toBe(at(3 * DAY));
      expect(packet.result?.verdict).toBe('FAIL');
      expect(packet.produced).toMatchObject({
        at: at(5 * DAY),
        by: 'cli:auditor',
        redactions: 0,
      });
      expect(
        packet.history.verifications.map(verification => verification.verdict),
      ).toEqual(['PASS', 'FAIL']);
      expect(read(`${accountId(2)}/2026-01-04/cis-2.4-evidence.md`)).toContain(
        '**1 exception was in force**',
      );

      const index: EvidenceIndex = JSON.parse(read('index.json'));
      expect(index).toEqual(result.index);
      expect(index).toMatchObject({
        schema: 'cis-aws-evidence-index/v1',
        asOf: at(3 * DAY),
        producedBy: 'cli:auditor',
        totals: {
          PASS: 1,
          FAIL: 2,
          ERROR: 0,
          UNKNOWN: 0,
          EXEMPT: 0,
          NOT_EVALUATED: 0,
        },
      });
      expect(
        index.accounts.map(entry => [
          entry.accountId,
          entry.verdict,
          entry.activeExceptions,
          entry.json,
        ]),
      ).toEqual([
        [
          accountId(1),
          'FAIL',
          0,
          `${accountId(1)}/2026-01-04/cis-2.4-evidence.json`,
        ],
        [
          accountId(2),
          'FAIL',
          1,
          `${accountId(2)}/2026-01-04/cis-2.4-evidence.json`,
        ],
        [
          accountId(3),
          'PASS',
          0,
          `${accountId(3)}/2026-01-04/cis-2.4-evidence.json`,
        ],
      ]);
      const markdown = read('index.md');
      expect(markdown).toContain('3 accounts: 1 PASS, 2 FAIL.');
      expect(markdown).toContain(
        `| \`${accountId(
          2,
        )}\` | Account 2 | \`group:default/platform\` | FAIL | \`TRAIL_FAILED\` | 2026-01-01 01:30:00 UTC | 1 | [Markdown](${accountId(
          2,
        )}/2026-01-04/cis-2.4-evidence.md) · [JSON](${accountId(
          2,
        )}/2026-01-04/cis-2.4-evidence.json) |`,
      );
    });

    it('files an earlier date under that date, with the verdicts in force then', async () => {
      const { index } = await exportEvidence({
        store,
        exceptions: store,
        options: OPTIONS,
        outDir,
        at: new Date(at(DAY - 1)),
      });

      expect(
        index.accounts.map(entry => [entry.accountId, entry.verdict]),
      ).toEqual([
        [accountId(1), 'PASS'],
        [accountId(2), 'FAIL'],
        [accountId(3), 'NOT_EVALUATED'],
      ]);
      expect(index.totals.NOT_EVALUATED).toBe(1);
      expect(read(`${accountId(3)}/2026-01-01/cis-2.4-evidence.md`)).toContain(
        'The account had not been evaluated by 2026-01-01 23:59:00 UTC',
      );
    });

    it('exports only the accounts asked for', async () => {
      const { index } = await exportEvidence({
        store,
        exceptions: store,
        options: OPTIONS,
        outDir,
        at: new Date(at(3 * DAY)),
        accountIds: [accountId(3), accountId(3)],
      });
      expect(index.accounts.map(entry => entry.accountId)).toEqual([
        accountId(3),
      ]);
      expect(readdirSync(outDir).sort()).toEqual([
        accountId(3),
        'index.json',
        'index.md',
      ]);
    });

    it("keeps the account's true 'since' after history was pruned", async () => {
      // account 1 has been FAIL since day 2; on day 3 only its reason changed
      await store.saveResult({
        mapping: aMapping(accountId(1), { title: 'Account 1' }),
        evaluation: anEvaluation(accountId(1), 'FAIL', {
          minute: 2 * DAY + 60,
          reason: 'NO_TRAILS',
        }),
      });
      await store.pruneHistory(new Date(at(2 * DAY)));

      const { index } = await exportEvidence({
        store,
        exceptions: store,
        options: OPTIONS,
        outDir,
        at: new Date(at(3 * DAY)),
        accountIds: [accountId(1)],
      });
      expect(index.accounts[0].reason).toBe('NO_TRAILS');
      const packet: EvidencePacket = JSON.parse(
        read(`${accountId(1)}/2026-01-04/cis-2.4-evidence.json`),
      );
      expect(packet.verdictSince).toBe(at(DAY + 60));
    });

    it('refuses an account that is not in the store, and writes nothing', async () => {
      await expect(
        exportEvidence({
          store,
          exceptions: store,
          options: OPTIONS,
          outDir,
          at: new Date(at(3 * DAY)),
          accountIds: [accountId(1), accountId(9)],
        }),
      ).rejects.toThrow(`No CIS 2.4 result for AWS account ${accountId(9)}`);
      expect(readdirSync(outDir)).toEqual([]);
    });
  },
);
