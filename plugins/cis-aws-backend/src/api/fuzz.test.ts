import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { readCisAwsOptions } from '../config';
import { createApiServices } from '../services';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
  trailArn,
} from '../storage/__fixtures__/evaluations';
import { createTestDatabases } from '../storage/__testUtils__/stores';
import { createRouter } from './router';
import { anApprovedException } from '../storage/__testUtils__/exceptions';

/**
 * Every route × hostile input, against the real services on SQLite (the catalog and the engine
 * are stand-ins: no AWS). Whatever the input, the answer is never a 500, and every error is a
 * JSON body with a message.
 */

jest.setTimeout(120_000);

const ACCOUNT = accountId(7);
const NOW = new Date(at(4 * 24 * 60));
const LATER = new Date(at(6 * 24 * 60)).toISOString();

const OFFSETS = [
  '2026-11-24T00:00:00%2B99:00',
  '2026-11-24T00:00:00%2B24:00',
  '2026-11-24T00:00:00-99:59',
  '2026-11-24T25:61:61Z',
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '275760-09-13T00:00:01Z',
  'yesterday',
  '',
  '%00',
  '1e400',
];

const IDS = [
  '12345',
  '1234567890123',
  '9'.repeat(5000),
  '-12345678901',
  '1.2345678901',
  '%00',
  '%E2%98%83',
  '%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98%EF%BC%99%EF%BC%90%EF%BC%91%EF%BC%92',
  `${ACCOUNT}%00`,
  '%2e%2e',
  '%',
];

const NUMBERS = [
  '-1',
  '0',
  '1.5',
  '1e309',
  '99999999999999999999',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  'abc',
  '',
];

/** Query strings any route must survive: unknown keys, wrong shapes, repeated scalars. */
const ANY_QUERY = [
  'foo=bar',
  '__proto__[polluted]=1',
  'constructor[prototype][x]=1',
  'a[b][c][d][e][f][g]=1',
  `${'k'.repeat(5000)}=1`,
  'x=%00',
];

const BODIES: (string | object)[] = [
  '{',
  '{"reason":',
  '[]',
  '"x"',
  'null',
  '123',
  `{"reason":"${'x'.repeat(200_000)}","expiresAt":"${LATER}"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  { reason: 1, expiresAt: true },
  { reason: ['a'], expiresAt: [LATER] },
  { reason: { $ne: null }, expiresAt: LATER },
  { reason: 'x', expiresAt: '2026-11-24T00:00:00+99:00' },
  { reason: 'x', expiresAt: '2026-11-24T00:00:00+24:00' },
  { reason: 'x', expiresAt: LATER, trailArn: ['a'] },
  {
    reason: 'x',
    expiresAt: LATER,
    ticketUrl: ['javascript', 'alert(1)'].join(':'),
  },
  { reason: 'x\u0000y', expiresAt: LATER },
  { reason: '🦄 \u202e ﷽ Ω', expiresAt: LATER, approvedBy: 'ｕｓｅｒ' },
  { reason: 'x', expiresAt: LATER, __proto__: { admin: true } },
  { reason: 'x', expiresAt: LATER, trailArn: trailArn(ACCOUNT, 'other') },
];

interface Attempt {
  method: 'get' | 'post';
  path: string;
  body?: string | object;
}

/** Each route with its valid form and its hostile variants. */
function attempts(exceptionId: string): Attempt[] {
  const a = `/v1/accounts/${ACCOUNT}`;
  const get = (path: string): Attempt => ({ method: 'get', path });
  const post = (path: string, body?: string | object): Attempt => ({
    method: 'post',
    path,
    body,
  });
  const routes: { base: Attempt; idPath?: (id: string) => string }[] = [
    { base: get('/v1/accounts') },
    { base: get('/v1/owners') },
    { base: get(a), idPath: id => `/v1/accounts/${id}` },
    { base: get(`${a}/history`), idPath: id => `/v1/accounts/${id}/history` },
    { base: get(`${a}/evidence`), idPath: id => `/v1/accounts/${id}/evidence` },
    {
      base: get(`${a}/exceptions`),
      idPath: id => `/v1/accounts/${id}/exceptions`,
    },
    {
      base: post(`${a}/exceptions`, { reason: 'x', expiresAt: LATER }),
      idPath: id => `/v1/accounts/${id}/exceptions`,
    },
    {
      base: post(`/v1/exceptions/${exceptionId}/revoke`, {}),
      idPath: id => `/v1/exceptions/${id}/revoke`,
    },
    {
      base: post(`/v1/exceptions/${exceptionId}/approve`, {}),
      idPath: id => `/v1/exceptions/${id}/approve`,
    },
    {
      base: post(`/v1/exceptions/${exceptionId}/reject`, { comment: 'no' }),
      idPath: id => `/v1/exceptions/${id}/reject`,
    },
    { base: get('/v1/exceptions') },
    {
      base: post(`${a}/evaluate`),
      idPath: id => `/v1/accounts/${id}/evaluate`,
    },
    {
      base: get('/v1/entities/resource/default/aws-x'),
      idPath: id => `/v1/entities/${id}/${id}/${id}`,
    },
    { base: post('/v1/runs') },
    { base: get('/v1/runs') },
  ];
  const all: Attempt[] = [];
  for (const { base, idPath } of routes) {
    all.push(base);
    for (const query of ANY_QUERY) {
      all.push({ ...base, path: `${base.path}?${query}` });
    }
    for (const id of idPath ? IDS : [])
      all.push({ ...base, path: idPath!(id) });
    if (base.method === 'post') {
      for (const body of BODIES) all.push({ ...base, body });
    }
  }
  for (const value of OFFSETS) {
    all.push(get(`${a}/history?from=${value}`));
    all.push(get(`${a}/history?to=${value}`));
    all.push(get(`${a}/history?from=${value}&to=${value}`));
    all.push(get(`${a}/history?from[]=${value}`));
    all.push(get(`${a}/evidence?at=${value}`));
    all.push(get(`${a}/evidence?at=${value}&at=${value}`));
    all.push(
      post(`${a}/exceptions`, {
        reason: 'x',
        expiresAt: decodeURIComponent(value.replace('%00', '\u0000')),
      }),
    );
  }
  for (const n of NUMBERS) {
    all.push(get(`/v1/accounts?offset=${n}`));
    all.push(get(`/v1/accounts?limit=${n}`));
    all.push(get(`/v1/accounts?offset=${n}&offset=${n}`));
    all.push(get(`/v1/accounts?limit[]=${n}`));
    all.push(get(`/v1/runs?limit=${n}`));
  }
  for (const query of [
    'verdict=FAIL&verdict=MAYBE',
    'verdict[]=FAIL',
    'verdict[x]=FAIL',
    `owner=${'g'.repeat(12_000)}`,
    `owner=${Array.from({ length: 2000 }, () => 'x').join('&owner=')}`,
    'search=%00',
    `search=${'s'.repeat(201)}`,
    'search=%F0%9F%A6%84%E2%80%AE',
    "search=%25'%20OR%201=1--",
    'search[]=a',
    'orderBy=__proto__',
    'orderBy=title;DROP%20TABLE',
    'order=sideways',
    'entityRef=&system=,,,',
  ]) {
    all.push(get(`/v1/accounts?${query}`));
  }
  for (const query of [
    'status=all',
    'status=EXPIRED',
    'status[]=ALL',
    'status=ALL&status=ACTIVE',
  ]) {
    all.push(get(`/v1/exceptions?${query}`));
  }
  for (const query of [
    'format=pdf',
    'format[]=json',
    'format=json&format=md',
  ]) {
    all.push(get(`${a}/evidence?${query}`));
  }
  return all;
}

function accountEntity(id: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `aws-${id}`,
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': id },
    },
    spec: { type: 'cloud-account', owner: 'group:default/platform' },
  };
}

describe('every route under hostile input', () => {
  const databases = createTestDatabases();
  let app: express.Express;
  let exceptionId: string;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseEvaluationStore.create({
      database: mockServices.database({ knex }),
    });
    const mapping = aMapping(ACCOUNT);
    await store.saveResult({ mapping, evaluation: anEvaluation(ACCOUNT) });
    exceptionId = (
      await anApprovedException(store, {
        accountId: ACCOUNT,
        reason: 'seeded',
        approvedBy: 'user:default/ciso',
        expiresAt: LATER,
        createdBy: 'user:default/ciso',
        createdAt: NOW.toISOString(),
      })
    ).id;
    const engine = {
      readCatalog: async () => ({
        mappings: [mapping],
        problems: [],
        annotatedAccounts: new Map(),
      }),
      evaluateOne: async (id: string) => ({
        outcome: await store.saveResult({
          mapping: aMapping(id),
          evaluation: anEvaluation(id, 'PASS', { minute: 5 * 24 * 60 }),
        }),
        calls: {},
      }),
    };
    const runs = store.coordination();
    const runner = {
      requestFullRun: async () => ({
        runId: await runs.createRun({
          trigger: 'manual',
          status: 'queued',
          replica: 'fuzz',
        }),
        status: 'queued' as const,
        alreadyActive: false,
      }),
    };
    const logger = mockServices.logger.mock();
    app = express();
    app.use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        ...createApiServices({
          catalog: catalogServiceMock({ entities: [accountEntity(ACCOUNT)] }),
          permissions: mockServices.permissions(),
          userInfo: mockServices.userInfo(),
          logger,
          store,
          controls: store.controls(),
          engine,
          runner,
          runs,
          options: readCisAwsOptions(new ConfigReader({})),
          exceptionOptions: {
            approvers: ['group:default/security'],
            remindBeforeMs: 14 * 86_400_000,
          },
          now: () => NOW,
        }),
      }),
    );
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.rootLogger(),
      }).error(),
    );
  });

  it('never answers 500, and answers every error with a JSON message', async () => {
    const failures: string[] = [];
    const list = attempts(exceptionId);
    for (const attempt of list) {
      let req = request(app)[attempt.method](attempt.path);
      if (attempt.body !== undefined) {
        req = req.set('Content-Type', 'application/json');
        req = req.send(
          typeof attempt.body === 'string'
            ? attempt.body
            : JSON.stringify(attempt.body),
        );
      }
      const res = await req;
      const label = `${attempt.method.toUpperCase()} ${attempt.path.slice(
        0,
        120,
      )} ${JSON.stringify(attempt.body ?? '').slice(0, 80)} → ${res.status}`;
      if (res.status >= 500) {
        failures.push(`${label}: ${res.body?.error?.message ?? res.text}`);
      } else if (res.status >= 400) {
        const message = res.body?.error?.message;
        if (
          !/application\/json/.test(res.headers['content-type'] ?? '') ||
          typeof message !== 'string' ||
          message === ''
        ) {
          failures.push(
            `${label}: no JSON error message (${res.text.slice(0, 80)})`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(list.length).toBeGreaterThan(300);
  });
});
