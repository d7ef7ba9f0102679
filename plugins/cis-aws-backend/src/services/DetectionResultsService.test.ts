import { AccountDetectionResult } from '@cis-aws/plugin-cis-aws-common';
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
import { DETECTION_CONTROL } from '../rules/controls';
import { DefaultAccountResultsService } from './AccountResultsService';
import { DefaultDetectionResultsService } from './DetectionResultsService';
import { CALLER, accessTo, accountEntity } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const READABLE = accountId(1);
const HIDDEN = accountId(2);
const NOT_EVALUATED = accountId(3);

function aDetection(
  account: string,
  verdict: AccountDetectionResult['verdict'],
  minute: number,
): AccountDetectionResult {
  const failing = verdict === 'PASS' ? [] : (['3.3'] as const);
  const reasons = { ERROR: 'API_ERROR', FAIL: 'NO_FILTER' } as const;
  const reason =
    verdict in reasons ? reasons[verdict as keyof typeof reasons] : undefined;
  return {
    accountId: account,
    controlId: 'cis-3.x-detection',
    verdict,
    ...(reason ? { reason } : {}),
    failingChecks: [...failing],
    evaluatedAt: at(minute),
    checks: [
      {
        checkId: '3.3',
        verdict,
        ...(reason ? { reason } : {}),
        detail: `${verdict} at ${minute}`,
        judgements: [],
        warnings: [],
        errors: [],
      },
    ],
    runId: `run-${minute}`,
  };
}

describe('DefaultDetectionResultsService', () => {
  async function setup(options: { enabled?: boolean } = {}) {
    const { store } = await createStore(databases, 'SQLITE_3');
    for (const id of [READABLE, HIDDEN, NOT_EVALUATED]) {
      await store.saveResult({
        mapping: aMapping(id),
        evaluation: anEvaluation(id, 'PASS'),
      });
    }
    const controls = store.controls();
    const save = (result: AccountDetectionResult) =>
      controls.saveControlResult(DETECTION_CONTROL, {
        accountId: result.accountId,
        controlId: 'cis-3.x-detection',
        verdict: result.verdict,
        ...(result.reason ? { reason: result.reason } : {}),
        summary: { failingChecks: result.failingChecks },
        result,
        evaluatedAt: result.evaluatedAt,
      });
    await save(aDetection(HIDDEN, 'FAIL', 1));
    const access = accessTo([
      accountEntity(READABLE),
      accountEntity(NOT_EVALUATED),
    ]);
    const enabled = options.enabled ?? true;
    return {
      save,
      service: DefaultDetectionResultsService.create({
        store,
        controls,
        access,
        enabled,
      }),
      accounts: DefaultAccountResultsService.create({
        store,
        access,
        securityHubRegion: 'us-east-1',
        historyRetentionMs: 400 * 86_400_000,
        detectionEnabled: enabled,
        // `mine` is not asked for here.
        userInfo: {
          getUserInfo: async () => {
            throw new Error('not used');
          },
        },
      }),
    };
  }

  it('serves the stored result of a readable account, with since when it fails', async () => {
    const { service, save } = await setup();
    await save(aDetection(READABLE, 'FAIL', 5));
    const served = await service.getAccountDetection(READABLE, CALLER);
    expect(served).toEqual({
      ...aDetection(READABLE, 'FAIL', 5),
      failingSince: at(5),
    });
  });

  it('an ERROR after a PASS is served with the PASS as the last definitive result, stale', async () => {
    const { service, save } = await setup();
    await save(aDetection(READABLE, 'PASS', 5));
    await save(aDetection(READABLE, 'ERROR', 6));
    const served = await service.getAccountDetection(READABLE, CALLER);
    expect(served).toMatchObject({
      verdict: 'ERROR',
      reason: 'API_ERROR',
      stale: true,
      lastDefinitive: {
        verdict: 'PASS',
        failingChecks: [],
        evaluatedAt: at(5),
      },
      lastDefinitiveChecks: [{ checkId: '3.3', verdict: 'PASS' }],
    });
  });

  it('answers an unknown account, a hidden one, and one not evaluated yet with 404', async () => {
    const { service } = await setup();
    for (const id of [HIDDEN, accountId(9)]) {
      await expect(
        service.getAccountDetection(id, CALLER),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `No CIS 2.4 result for AWS account ${id}`,
      });
    }
    await expect(
      service.getAccountDetection(NOT_EVALUATED, CALLER),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `The detection content of AWS account ${NOT_EVALUATED} has not been evaluated yet`,
    });
  });

  it('with detection turned off: 404, no summaries in listings, and the filter is a 400', async () => {
    const { service, accounts, save } = await setup({ enabled: false });
    await save(aDetection(READABLE, 'FAIL', 5));
    await expect(
      service.getAccountDetection(READABLE, CALLER),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('cisAws.detection.enabled is false'),
    });
    const page = await accounts.listAccounts({}, CALLER);
    expect(page.items.map(a => a.detection)).toEqual([undefined, undefined]);
    expect(
      (await accounts.getAccount(READABLE, CALLER)).detection,
    ).toBeUndefined();
    await expect(
      accounts.listAccounts({ detectionVerdicts: ['FAIL'] }, CALLER),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('listings carry the summary and filter by it, over the accounts the caller may read', async () => {
    const { accounts, save } = await setup();
    await save(aDetection(READABLE, 'FAIL', 5));
    const failing = await accounts.listAccounts(
      { detectionVerdicts: ['FAIL'] },
      CALLER,
    );
    // HIDDEN fails too, but the caller may not read it.
    expect(failing.items.map(a => [a.accountId, a.detection?.verdict])).toEqual(
      [[READABLE, 'FAIL']],
    );
    expect(
      (await accounts.getAccount(READABLE, CALLER)).detection,
    ).toMatchObject({ verdict: 'FAIL', failingChecks: ['3.3'] });
  });
});
