import { canonicalJson } from '../lib/canonicalJson';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createStore, createTestDatabases } from './__testUtils__/stores';
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
import { Knex } from 'knex';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 24 * 60;

describe('canonicalJson', () => {
  it('sorts keys, drops undefined properties and writes no whitespace', () => {
    expect(
      canonicalJson({
        b: [1, 'x', undefined, null],
        a: { d: true, c: undefined },
      }),
    ).toBe('{"a":{"d":true},"b":[1,"x",null,null]}');
    expect(canonicalJson({ é: 1, z: 2, Z: 3 })).toBe('{"Z":3,"z":2,"é":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe.each(databases.eachSupportedId())(
  'evaluation history and evidence chain on %s',
  databaseId => {
    const ACCOUNT = accountId(1);
    let store: DatabaseEvaluationStore;
    let knex: Knex;

    beforeEach(async () => {
      ({ store, knex } = await createStore(databases, databaseId));
    });

    /** An evaluation at `minute` whose one trail was last delivered at `deliveredMinute`. */
    function evaluationAt(
      minute: number,
      verdict: 'PASS' | 'FAIL',
      deliveredMinute = minute,
    ) {
      const arn = trailArn(ACCOUNT);
      return anEvaluation(ACCOUNT, verdict, {
        minute,
        trails: [
          aTrail(arn, verdict, {
            facts: aTrailFacts(arn, {
              status: aReadStatus(at(deliveredMinute)),
            }),
          }),
        ],
      });
    }

    function save(minute: number, verdict: 'PASS' | 'FAIL') {
      return store.saveResult({
        mapping: aMapping(ACCOUNT),
        evaluation: evaluationAt(minute, verdict),
      });
    }

    it('keeps the evaluation behind every change of a day and the first of each day, not the unchanged ones', async () => {
      await save(60, 'PASS'); // first of day 1
      await save(120, 'PASS'); // unchanged: not kept
      await save(130, 'FAIL'); // change
      await save(140, 'PASS'); // change
      await save(150, 'FAIL'); // change
      await save(DAY + 10, 'FAIL'); // first of day 2
      await save(DAY + 20, 'FAIL'); // unchanged

      const evaluatedAt = async (minute: number) =>
        (await store.getEvaluationAt(ACCOUNT, new Date(at(minute))))
          ?.evaluatedAt;
      expect(await evaluatedAt(59)).toBeUndefined();
      expect(await evaluatedAt(125)).toBe(at(60));
      expect(await evaluatedAt(135)).toBe(at(130));
      expect(await evaluatedAt(145)).toBe(at(140));
      expect(await evaluatedAt(DAY)).toBe(at(150));
      // The current result is in force from when it was made, kept or not…
      expect(await evaluatedAt(DAY + 30)).toBe(at(DAY + 20));
      // …and the chained record in force then is the day's first.
      expect(
        (await store.getEvaluationRecordAt(ACCOUNT, new Date(at(DAY + 30))))
          ?.evaluation.evaluatedAt,
      ).toBe(at(DAY + 10));
      expect(
        (await store.getEvaluationAt(ACCOUNT, new Date(at(135))))?.verdict,
      ).toBe('FAIL');
      // Each day's last kept evaluation is its verification.
      expect(
        await store.listVerifications(ACCOUNT, {
          from: new Date(at(0)),
          to: new Date(at(2 * DAY)),
        }),
      ).toEqual([
        {
          date: '2026-01-01',
          evaluatedAt: at(150),
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
        },
        {
          date: '2026-01-02',
          evaluatedAt: at(DAY + 10),
          verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
        },
      ]);
      expect(await knex('cis_aws_evaluation_history').count('* as n')).toEqual([
        { n: expect.anything() },
      ]);
      const [{ n }] = await knex('cis_aws_evaluation_history').count('* as n');
      expect(Number(n)).toBe(5);
    });

    it('chains every kept evaluation and change of an account, and verify holds', async () => {
      await save(60, 'PASS');
      await save(130, 'FAIL');
      await store.saveResult({
        mapping: aMapping(accountId(2)),
        evaluation: anEvaluation(accountId(2), 'PASS', { minute: 61 }),
      });

      // PASS: evaluation, account change, trail change; FAIL: the same three.
      const verified = await store.verifyChain(ACCOUNT);
      expect(verified).toEqual({
        links: 6,
        head: { seq: 6, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      expect((await store.verifyChain(accountId(2))).links).toBe(3);
      expect(await store.listChainAccounts()).toEqual([ACCOUNT, accountId(2)]);
      const head = await store.getChainHeadAt(ACCOUNT, new Date(at(100)));
      expect(head).toMatchObject({ seq: 3, table: 'cis_aws_verdict_changes' });
      const record = await store.getEvaluationRecordAt(
        ACCOUNT,
        new Date(at(100)),
      );
      expect(record?.seq).toBe(1);
    });

    it('names the first row edited by hand', async () => {
      await save(60, 'PASS');
      await save(130, 'FAIL');
      await save(140, 'PASS');
      const row = await knex('cis_aws_evaluation_history')
        .where({ account_id: ACCOUNT })
        .orderBy('seq')
        .offset(1)
        .first();
      await knex('cis_aws_evaluation_history')
        .where({ id: row.id })
        .update({ verdict: 'PASS' });

      expect((await store.verifyChain(ACCOUNT)).broken).toEqual({
        accountId: ACCOUNT,
        table: 'cis_aws_evaluation_history',
        rowId: row.id,
        seq: row.seq,
        at: at(130),
        problem: expect.stringContaining('does not match its hash'),
      });
    });

    it('names a deleted change and a deleted tail', async () => {
      await save(60, 'PASS');
      await save(130, 'FAIL');
      await save(140, 'PASS');
      const [middle] = await knex('cis_aws_verdict_changes')
        .where({ account_id: ACCOUNT })
        .orderBy('seq')
        .offset(2)
        .limit(1);
      await knex('cis_aws_verdict_changes').where({ id: middle.id }).delete();
      const broken = (await store.verifyChain(ACCOUNT)).broken;
      expect(broken?.seq).toBe(middle.seq + 1);
      expect(broken?.problem).toContain(`links ${middle.seq}`);

      const other = accountId(3);
      await store.saveResult({
        mapping: aMapping(other),
        evaluation: anEvaluation(other, 'PASS', { minute: 1 }),
      });
      await store.saveResult({
        mapping: aMapping(other),
        evaluation: anEvaluation(other, 'FAIL', { minute: 2 }),
      });
      const last = await knex('cis_aws_verdict_changes')
        .where({ account_id: other })
        .orderBy('seq', 'desc')
        .first();
      await knex('cis_aws_verdict_changes').where({ id: last.id }).delete();
      expect((await store.verifyChain(other)).broken).toMatchObject({
        table: 'cis_aws_evidence_chains',
        problem: expect.stringContaining('recorded head'),
      });
    });

    describe('exception events', () => {
      async function requestAndApprove(minute: number) {
        const requested = await store.requestException({
          accountId: ACCOUNT,
          reason: 'Moving to the organization trail',
          requestedBy: 'user:default/alice',
          requestedAt: at(minute),
          expiresAt: at(minute + 30 * DAY),
        });
        await store.decideException(requested.id, {
          decision: 'APPROVED',
          actor: 'user:default/ciso',
          at: at(minute + 5),
          comment: 'ok',
        });
        return requested.id;
      }

      it('chains every exception event with the evaluations and changes, in the order written', async () => {
        await save(60, 'FAIL');
        await requestAndApprove(70);
        await save(130, 'PASS');

        const links = [
          ...(await knex('cis_aws_evaluation_history')
            .where({ account_id: ACCOUNT })
            .select('seq', knex.raw("'evaluation' as kind"))),
          ...(await knex('cis_aws_verdict_changes')
            .where({ account_id: ACCOUNT })
            .select('seq', knex.raw("'change' as kind"))),
          ...(await knex('cis_aws_exception_events')
            .where({ account_id: ACCOUNT })
            .select('seq', 'action as kind')),
        ].sort((a, b) => a.seq - b.seq);
        expect(links.map(link => [link.seq, link.kind])).toEqual([
          [1, 'evaluation'],
          [2, 'change'], // the account's
          [3, 'change'], // its trail's
          [4, 'REQUESTED'],
          [5, 'APPROVED'],
          [6, 'evaluation'],
          [7, 'change'],
          [8, 'change'],
        ]);
        expect(await store.verifyChain(ACCOUNT)).toEqual({
          links: 8,
          head: { seq: 8, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
        });
        // A packet for a moment after the approval states the approval as its chain head.
        expect(
          await store.getChainHeadAt(ACCOUNT, new Date(at(100))),
        ).toMatchObject({ seq: 5, table: 'cis_aws_exception_events' });
        expect(await store.findLink(ACCOUNT, 4)).toMatchObject({
          table: 'cis_aws_exception_events',
          at: at(70),
        });
      });

      it('starts a chain with an exception event of an account never evaluated', async () => {
        await requestAndApprove(10);
        expect(await store.verifyChain(ACCOUNT)).toMatchObject({
          links: 2,
          head: { seq: 2 },
        });
        expect(await store.listChainAccounts()).toEqual([ACCOUNT]);
        await save(60, 'PASS');
        expect((await store.verifyChain(ACCOUNT)).broken).toBeUndefined();
      });

      it('starts one chain when an evaluation and an exception request of a new account race', async () => {
        await Promise.all([
          save(60, 'FAIL'),
          store.requestException({
            accountId: ACCOUNT,
            reason: 'Racing the first evaluation',
            requestedBy: 'user:default/alice',
            requestedAt: at(61),
            expiresAt: at(61 + 30 * DAY),
          }),
        ]);
        const verified = await store.verifyChain(ACCOUNT);
        expect(verified.broken).toBeUndefined();
        expect(verified).toMatchObject({ links: 4, head: { seq: 4 } });
      });

      it('names an exception event edited by hand', async () => {
        await save(60, 'FAIL');
        await requestAndApprove(70);
        await save(130, 'PASS');
        const approval = await knex('cis_aws_exception_events')
          .where({ account_id: ACCOUNT, action: 'APPROVED' })
          .first();
        await knex('cis_aws_exception_events')
          .where({ id: approval.id })
          .update({ actor: 'user:default/alice' });

        expect((await store.verifyChain(ACCOUNT)).broken).toEqual({
          accountId: ACCOUNT,
          table: 'cis_aws_exception_events',
          rowId: approval.id,
          seq: approval.seq,
          at: at(75),
          problem: expect.stringContaining('does not match its hash'),
        });
      });

      it('names a deleted exception event', async () => {
        await save(60, 'FAIL');
        await requestAndApprove(70);
        await save(130, 'PASS');
        const request = await knex('cis_aws_exception_events')
          .where({ account_id: ACCOUNT, action: 'REQUESTED' })
          .first();
        await knex('cis_aws_exception_events')
          .where({ id: request.id })
          .delete();
        const broken = (await store.verifyChain(ACCOUNT)).broken;
        expect(broken).toMatchObject({
          table: 'cis_aws_exception_events',
          seq: request.seq + 1,
        });
        expect(broken?.problem).toContain(`links ${request.seq}`);
      });

      it('keeps exception events through retention, the chain verifiable', async () => {
        await save(0, 'FAIL');
        await requestAndApprove(60);
        await save(10 * DAY, 'PASS');
        await save(20 * DAY, 'FAIL');
        await store.pruneHistory(new Date(at(15 * DAY)));
        expect(
          await knex('cis_aws_exception_events').where({ account_id: ACCOUNT }),
        ).toHaveLength(2);
        expect((await store.verifyChain(ACCOUNT)).broken).toBeUndefined();
        await requestAndApprove(21 * DAY);
        expect((await store.verifyChain(ACCOUNT)).broken).toBeUndefined();
      });
    });

    it('keeps the chain verifiable after retention deletes its start', async () => {
      await save(0, 'PASS');
      await save(10 * DAY, 'FAIL');
      await save(20 * DAY, 'FAIL');
      await save(20 * DAY + 60, 'PASS');
      const pruned = await store.pruneHistory(new Date(at(15 * DAY)));
      expect(pruned.verifications).toBe(2);
      // Left: day 21's evaluation (7), and day 21's change to PASS with its evaluation (8–10).
      expect(await store.verifyChain(ACCOUNT)).toMatchObject({ links: 4 });
      expect((await store.verifyChain(ACCOUNT)).broken).toBeUndefined();
      await save(21 * DAY, 'PASS');
      expect((await store.verifyChain(ACCOUNT)).broken).toBeUndefined();
    });
  },
);
