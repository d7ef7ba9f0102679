import type { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
  saveVerdictAt,
} from './__testUtils__/stores';
import {
  aMapping,
  aReadStatus,
  aTrail,
  aTrailFacts,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'account details on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    const TRAIL = trailArn(ACCOUNT);
    let store: DatabaseEvaluationStore;

    beforeEach(async () => {
      ({ store } = await createStore(databases, databaseId));
    });

    const save = (verdict: Verdict, minute: number, runId?: string) =>
      saveVerdictAt(store, ACCOUNT, verdict, minute, runId);

    describe('saveResult', () => {
      it('takes Security Hub and the latest readable CloudWatch Logs delivery from the evaluation', async () => {
        const arns = ['a', 'b', 'c', 'd'].map(name => trailArn(ACCOUNT, name));
        const evaluation = anEvaluation(ACCOUNT, 'PASS', {
          trails: [
            aTrail(arns[0], 'PASS', {
              facts: aTrailFacts(arns[0], { status: aReadStatus(at(-30)) }),
            }),
            aTrail(arns[1], 'PASS', {
              facts: aTrailFacts(arns[1], { status: aReadStatus(at(-5)) }),
            }),
            aTrail(arns[2], 'FAIL', {
              facts: aTrailFacts(arns[2], { status: aReadStatus(null) }),
            }),
            aTrail(arns[3], 'UNKNOWN', {
              facts: aTrailFacts(arns[3], { status: { state: 'HIDDEN' } }),
            }),
          ],
          securityHub: {
            status: 'FAIL',
            agrees: false,
            findings: [],
            ignoredFindings: [],
          },
        });
        const outcome = await store.saveResult({
          mapping: aMapping(ACCOUNT),
          evaluation,
        });

        expect(outcome.summary.latestDeliveryTime).toBe(at(-5));
        expect(outcome.summary.securityHub).toEqual({
          status: 'FAIL',
          agrees: false,
        });
        const [listed] = (await store.listAccounts({})).items;
        expect(listed.latestDeliveryTime).toBe(at(-5));
        expect(listed.securityHub).toEqual({ status: 'FAIL', agrees: false });
      });

      it('keeps Security Hub agreement unknown as null and its absence as absent', async () => {
        const unknown = await store.saveResult({
          mapping: aMapping(ACCOUNT),
          evaluation: anEvaluation(ACCOUNT, 'PASS', {
            securityHub: {
              status: 'UNKNOWN',
              agrees: null,
              findings: [],
              ignoredFindings: [],
            },
          }),
        });
        expect((await store.getAccount(ACCOUNT))?.securityHub).toEqual({
          status: 'UNKNOWN',
          agrees: null,
        });
        expect(unknown.summary.securityHub).toEqual({
          status: 'UNKNOWN',
          agrees: null,
        });

        await save('PASS', 60);
        expect((await store.getAccount(ACCOUNT))?.securityHub).toBeUndefined();
      });

      it('an evaluation survives storage unchanged', async () => {
        const evaluation = anEvaluation(ACCOUNT, 'EXEMPT', {
          detail: 'exempt until the migration is done — «ünïcödé»',
          warnings: [
            {
              code: 'NO_RETENTION',
              detail: 'CloudTrail/Default',
              trailArn: TRAIL,
            },
          ],
          exception: {
            id: 'exc-1',
            accountId: ACCOUNT,
            reason: 'Migration to the organization trail',
            state: 'APPROVED',
            approvedBy: 'user:default/ciso',
            approvedAt: at(-1000),
            createdAt: at(-1000),
            expiresAt: at(100000),
          },
          securityHub: {
            status: 'PASS',
            agrees: null,
            findings: [
              {
                findingId: 'arn:aws:securityhub:finding/1',
                accountId: ACCOUNT,
                trailArn: TRAIL,
                status: 'PASS',
                complianceStatus: 'PASSED',
                updatedAt: at(-60),
                matchedBy: 'SECURITY_CONTROL_ID',
              },
            ],
            ignoredFindings: [],
          },
        });
        evaluation.exceptions = evaluation.exception
          ? [evaluation.exception]
          : [];
        await store.saveResult({ mapping: aMapping(ACCOUNT), evaluation });

        expect((await store.getAccount(ACCOUNT))?.evaluation).toEqual(
          evaluation,
        );
      });

      it('refuses an evaluation of another account', async () => {
        await expect(
          store.saveResult({
            mapping: aMapping(ACCOUNT),
            evaluation: anEvaluation(accountId(2)),
          }),
        ).rejects.toThrow(/cannot be saved/);
      });

      it('refuses an account id that is not 12 digits', async () => {
        await expect(
          store.saveResult({
            mapping: aMapping('12345'),
            evaluation: anEvaluation('12345'),
          }),
        ).rejects.toThrow(/12-digit/);
      });
    });

    describe('updateMappings', () => {
      it('moves evaluated accounts in the catalog without touching their results', async () => {
        await save('FAIL', 0);
        await store.updateMappings([
          aMapping(ACCOUNT, {
            entityRef: 'resource:default/renamed',
            title: 'Renamed',
            ownerRef: 'group:default/security',
            systemRef: undefined,
          }),
        ]);

        const detail = await store.getAccount(ACCOUNT);
        expect(detail).toMatchObject({
          entityRef: 'resource:default/renamed',
          title: 'Renamed',
          ownerRef: 'group:default/security',
          verdict: 'FAIL',
          verdictSince: at(0),
        });
        expect(detail?.systemRef).toBeUndefined();
        expect(await store.getHistory(ACCOUNT)).toHaveLength(2);
      });

      it('ignores accounts that were never evaluated', async () => {
        await store.updateMappings([aMapping(accountId(2))]);

        expect(await store.getAccount(accountId(2))).toBeUndefined();
        expect((await store.listAccounts({})).totalCount).toBe(0);
      });
    });
  },
);
