import { ConfigReader } from '@backstage/config';
import { AccountEvaluation } from '@cis-aws/plugin-cis-aws-common';
import { redact, redactCounting } from '../aws/errors';
import { anApiError } from '../rules/__fixtures__/facts';
import {
  EvidenceSources,
  produceEvidencePacket,
  serializeEvidence,
} from './produceEvidence';
import { configuredSecrets, redactSecretsDeep } from './secretGuard';
import {
  aMapping,
  anEvaluation,
  anException,
  AS_OF,
  OPTIONS,
  ownTrail,
  PRODUCED_AT,
} from './__fixtures__/evidence';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const TEMP_KEY = 'ASIAY34FZKBOKMUTVV7A';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const JWT =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ1c2VyOmRlZmF1bHQvZ3Vlc3QifQ.c2lnbmF0dXJlLXBhcnQ';

describe('redactCounting', () => {
  it.each([
    ['an access key id', `key ${ACCESS_KEY} used`, ACCESS_KEY],
    ['a temporary access key id', `key ${TEMP_KEY} used`, TEMP_KEY],
    [
      "an access key id glued into a policy statement's Sid",
      `{"Sid":"Deny${ACCESS_KEY}Use","Effect":"Deny"}`,
      ACCESS_KEY,
    ],
    [
      'a secret key in a credentials file',
      `aws_secret_access_key = ${SECRET_KEY}`,
      SECRET_KEY,
    ],
    [
      'a secret key in JSON',
      `{"SecretAccessKey":"${SECRET_KEY}","Expiration":"x"}`,
      SECRET_KEY,
    ],
    [
      'a secret key in JSON inside a JSON string',
      `{\\"SecretAccessKey\\":\\"${SECRET_KEY}\\"}`,
      SECRET_KEY,
    ],
    [
      'a session token',
      'SessionToken=FwoGZXIvYXdzEBYaDHk2+token/value==',
      'FwoGZXIvYXdzEBYaDHk2+token/value==',
    ],
    [
      'a security token header',
      'X-Amz-Security-Token: IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJH',
      'IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJH',
    ],
    [
      'an Authorization header with a bearer token',
      'Authorization: Bearer abc.def-ghi_jkl',
      'abc.def-ghi_jkl',
    ],
    [
      'a bearer token on its own',
      'sent Bearer s3cr3tTokenValue',
      's3cr3tTokenValue',
    ],
    ['a Backstage token (a JWT)', `token ${JWT} expired`, JWT],
    [
      'a private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA',
    ],
  ])('removes %s and counts it', (_, input, secret) => {
    const result = redactCounting(input);
    expect(result.text).not.toContain(secret);
    expect(result.text).toContain('[redacted]');
    expect(result.redactions).toBe(1);
  });

  it('keeps the name of a keyed secret, so a reader sees what was there', () => {
    expect(redactCounting(`SecretAccessKey: ${SECRET_KEY}`).text).toBe(
      'SecretAccessKey: [redacted]',
    );
  });

  it('leaves ARNs, principal unique ids and policy actions alone', () => {
    const text =
      '{"Principal":{"AWS":"AROAEXAMPLEUNIQUEID12"},"Action":"sts:GetSessionToken","Resource":"arn:aws:iam::111111111111:role/CloudTrail_CloudWatchLogs_Role"}';
    expect(redactCounting(text)).toEqual({ text, redactions: 0 });
  });

  it('does not count a redaction twice when run again', () => {
    const once = redactCounting(
      `Authorization: Bearer abcdefghijkl\nkey ${ACCESS_KEY}`,
    );
    expect(once.redactions).toBe(2);
    expect(redactCounting(once.text)).toEqual({
      text: once.text,
      redactions: 0,
    });
  });

  it('removes known secrets wherever they are, but not short ones', () => {
    expect(
      redactCounting('token static-token-123 and xyz', [
        'static-token-123',
        'xyz',
      ]),
    ).toEqual({ text: 'token [redacted] and xyz', redactions: 1 });
  });

  it('still backs redact() of AWS error messages', () => {
    expect(redact(`The security token ${ACCESS_KEY} is invalid`)).toBe(
      'The security token [redacted] is invalid',
    );
  });
});

describe('redactSecretsDeep', () => {
  it('redacts every string and key of a value, counting them', () => {
    const result = redactSecretsDeep({
      list: [`a ${ACCESS_KEY}`, 3, true, null],
      nested: { [`k-${TEMP_KEY}`]: `Bearer abcdefghijklmnop` },
    });
    expect(result).toEqual({
      value: {
        list: ['a [redacted]', 3, true, null],
        nested: { 'k-[redacted]': 'Bearer [redacted]' },
      },
      redactions: 3,
    });
  });
});

describe('configuredSecrets', () => {
  it("collects the backend's keys, static tokens and AWS keys from config", () => {
    const config = new ConfigReader({
      backend: {
        auth: {
          keys: [{ secret: 'legacy-service-key-1' }],
          externalAccess: [
            {
              type: 'static',
              options: { token: 'static-token-abcdef', subject: 'ci' },
            },
            {
              type: 'legacy',
              options: { secret: 'legacy-secret-abcdef', subject: 'x' },
            },
          ],
        },
      },
      aws: {
        mainAccount: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
        accounts: [
          { accountId: '111111111111', secretAccessKey: 'other-secret-123' },
        ],
      },
    });
    expect(configuredSecrets(config).sort()).toEqual(
      [
        'legacy-service-key-1',
        'static-token-abcdef',
        'legacy-secret-abcdef',
        ACCESS_KEY,
        SECRET_KEY,
        'other-secret-123',
      ].sort(),
    );
  });

  it('is empty, not an error, without such config', () => {
    expect(configuredSecrets(new ConfigReader({}))).toEqual([]);
  });
});

describe('evidence leaving the backend', () => {
  /** Stores holding one evaluation with planted secrets, and one exception. */
  function sources(
    evaluation: AccountEvaluation,
    reason = `temporary; use ${TEMP_KEY} for access`,
  ): EvidenceSources {
    const exception = anException({ reason });
    return {
      store: {
        getEvaluationAt: async () => evaluation,
        getEvaluationRecordAt: async () => ({
          evaluation,
          seq: 1,
          hash: 'a'.repeat(64),
        }),
        getChainHeadAt: async () => undefined,
        getHistory: async () => [],
        listEpisodes: async () => [],
        listVerifications: async () => [],
      },
      exceptions: {
        listExceptions: async () => [exception],
        listExceptionEvents: async () => [
          {
            exceptionId: exception.id,
            accountId: exception.accountId,
            action: 'CREATED',
            actor: 'user:default/alice',
            at: exception.createdAt,
            details: { reason: exception.reason },
          },
        ],
      },
      options: OPTIONS,
      knownSecrets: ['configured-static-token-1'],
    };
  }

  function plantedEvaluation(): AccountEvaluation {
    const trail = ownTrail();
    const role = trail.facts.role as Extract<
      typeof trail.facts.role,
      { state: 'FOUND' }
    >;
    const permission = role.permission as Extract<
      typeof role.permission,
      { state: 'DECIDED' }
    >;
    return anEvaluation({
      trails: [
        ownTrail({
          facts: {
            ...trail.facts,
            status: {
              state: 'FAILED',
              error: anApiError({
                message: `Request signed with ${ACCESS_KEY}; Authorization: Bearer ${JWT}`,
              }),
            },
            role: {
              ...role,
              permission: {
                ...permission,
                policies: [
                  {
                    kind: 'INLINE',
                    name: 'leaky',
                    document: `{"Version":"2012-10-17","Statement":[],"Comment":"aws_secret_access_key=${SECRET_KEY}"}`,
                  },
                ],
              },
            },
            apiErrors: [
              anApiError({
                message: 'token configured-static-token-1 rejected',
              }),
            ],
          },
        }),
      ],
    });
  }

  it('removes secrets planted in an API error message, a policy document and an exception reason', async () => {
    const packet = await produceEvidencePacket(sources(plantedEvaluation()), {
      mapping: aMapping(),
      asOf: AS_OF,
      producedAt: PRODUCED_AT,
      producedBy: 'user:default/auditor',
    });
    const json = serializeEvidence(packet, 'json');
    const markdown = serializeEvidence(packet, 'md');

    for (const body of [json.body, markdown.body]) {
      for (const secret of [ACCESS_KEY, TEMP_KEY, SECRET_KEY, JWT]) {
        expect(body).not.toContain(secret);
      }
    }
    // the packet was already clean: the serializations found nothing more
    expect(json.redactions).toBe(0);
    expect(markdown.redactions).toBe(0);
    // access key + bearer header in the status error; the secret key in the policy; the
    // exception's reason in `exceptions`, `activeExceptions` and its audit event
    expect(packet.produced.redactions).toBe(6);
    const trail = packet.trails[0];
    expect(trail.deliveryStatus).toMatchObject({
      state: 'FAILED',
      error: {
        message: 'Request signed with [redacted]; Authorization: [redacted]',
      },
    });
    expect(
      trail.role.state === 'FOUND' && trail.role.permissionPolicies[0].document,
    ).toBe(
      '{"Version":"2012-10-17","Statement":[],"Comment":"aws_secret_access_key=[redacted]"}',
    );
    expect(markdown.body).toContain(
      '6 credential-like strings were replaced by `[redacted]`.',
    );
    expect(JSON.parse(json.body).produced.redactions).toBe(6);
  });

  it('never lets a configured secret out, even where no pattern would see it', async () => {
    const packet = await produceEvidencePacket(sources(plantedEvaluation()), {
      mapping: aMapping(),
      asOf: AS_OF,
      producedAt: PRODUCED_AT,
      producedBy: 'user:default/auditor',
    });
    // apiErrors are not part of the packet, so plant the known secret in the title instead
    const withTitle = {
      ...packet,
      account: { ...packet.account, title: 'configured-static-token-1' },
    };
    const markdown = serializeEvidence(withTitle, 'md', [
      'configured-static-token-1',
    ]);
    expect(markdown.body).not.toContain('configured-static-token-1');
    expect(markdown.redactions).toBeGreaterThan(0);
    const json = serializeEvidence(withTitle, 'json', [
      'configured-static-token-1',
    ]);
    expect(json.body).not.toContain('configured-static-token-1');
    expect(json.redactions).toBe(1);
  });

  it('leaves a clean packet untouched and says no credential is part of it', async () => {
    const clean = sources(anEvaluation(), 'Trail being migrated');
    const packet = await produceEvidencePacket(clean, {
      mapping: aMapping(),
      asOf: AS_OF,
      producedAt: PRODUCED_AT,
      producedBy: 'user:default/auditor',
    });
    expect(packet.produced.redactions).toBe(0);
    const markdown = serializeEvidence(packet, 'md');
    expect(markdown.redactions).toBe(0);
    expect(markdown.body).toContain(
      'No credential or token is part of this packet.',
    );
    expect(markdown.body).toContain('Trail being migrated');
  });
});

describe('configuredSecrets with malformed config', () => {
  it('ignores values of the wrong type instead of failing', () => {
    const config = new ConfigReader({
      backend: {
        auth: {
          keys: 'not-a-list',
          externalAccess: [{ options: { token: 42 } }],
        },
      },
      aws: { mainAccount: { secretAccessKey: ['x'] }, accounts: { a: 1 } },
    });
    expect(configuredSecrets(config)).toEqual([]);
  });
});
