/*
 * Security Hub's opinion is read once from the administrator account. A role that cannot be
 * assumed there is recorded as that, not as a failed GetFindings.
 */
import { RunningSimulator } from '@internal/aws-simulator';
import { simulatedAwsClients } from '../aws/__testUtils__/simulatedAws';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import type { CisAwsOptions } from '../config';
import { readSecurityHubOpinions } from './awsReads';

jest.setTimeout(60_000);

/** In the demo world: its reader role cannot be assumed. */
const NOT_ASSUMABLE = '411122334455';
/** The demo world's Security Hub administrator. */
const ADMINISTRATOR = '402233445566';

describe('readSecurityHubOpinions', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemoSimulator();
  });
  afterAll(() => sim.close());

  const read = (administratorAccountId: string) =>
    readSecurityHubOpinions({
      aws: simulatedAwsClients(sim.url),
      options: {
        partition: 'aws',
        securityHub: {
          enabled: true,
          administratorAccountId,
          region: 'us-east-1',
        },
      } as CisAwsOptions,
    });

  it('records a refused role assumption into the administrator as sts:AssumeRole, never as GetFindings', async () => {
    const result = await read(NOT_ASSUMABLE);
    expect(result.findings).toBeUndefined();
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^Security Hub: sts:AssumeRole into the administrator account 411122334455 \(cisAws\.securityHub\.administratorAccountId\) failed: AccessDenied \(HTTP 403\): /,
      ),
    ]);
    expect(result.errors[0]).not.toContain('GetFindings');
  });

  it('records a failing GetFindings as GetFindings once the role was assumed', async () => {
    sim.admin.addFault({
      kind: 'serverError',
      service: 'securityhub',
      operation: 'GetFindings',
    });
    try {
      const result = await read(ADMINISTRATOR);
      expect(result.findings).toBeUndefined();
      expect(result.errors).toEqual([
        expect.stringContaining(
          'Security Hub: securityhub:GetFindings InternalFailure (HTTP 500)',
        ),
      ]);
    } finally {
      sim.admin.clearFaults();
    }
  });

  it('reads the findings when the role is assumed', async () => {
    const result = await read(ADMINISTRATOR);
    expect(result.errors).toEqual([]);
    expect(result.findings?.size).toBeGreaterThan(0);
  });
});
