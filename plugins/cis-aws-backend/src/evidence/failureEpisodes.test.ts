import { buildEvidencePacket } from './buildEvidencePacket';
import { renderEvidenceMarkdown } from './renderEvidenceMarkdown';
import {
  ACCOUNT,
  AS_OF,
  OWN_TRAIL_ARN,
  anInput,
  daysBefore,
} from './__fixtures__/evidence';

const DAY_MS = 24 * 60 * 60 * 1000;
const after = (days: number) =>
  new Date(AS_OF.getTime() + days * DAY_MS).toISOString();

describe('failure episodes in the evidence packet', () => {
  const episodes = [
    // Fixed before the period (30 days): left out.
    {
      accountId: ACCOUNT,
      startedAt: daysBefore(50),
      endedAt: daysBefore(45),
      durationMs: 5 * DAY_MS,
    },
    // Fixed within the period: time to fix shown.
    {
      accountId: ACCOUNT,
      trailArn: OWN_TRAIL_ARN,
      startedAt: daysBefore(20),
      reason: 'ROLE_CANNOT_WRITE',
      endedAt: daysBefore(18),
      durationMs: 2 * DAY_MS,
    },
    // Open at asOf (ended only after it): shown open, and it is "failing since".
    {
      accountId: ACCOUNT,
      startedAt: daysBefore(9),
      reason: 'TRAIL_FAILED',
      endedAt: after(1),
      durationMs: 10 * DAY_MS,
    },
    // Started after asOf: not yet there.
    { accountId: ACCOUNT, startedAt: after(2) },
  ];

  it('keeps the episodes of the period as they stood at asOf, and the open one as failing since', () => {
    const packet = buildEvidencePacket(anInput({ episodes }));
    expect(packet.failingSince).toBe(daysBefore(9));
    expect(packet.history.episodes).toEqual([
      episodes[1],
      { accountId: ACCOUNT, startedAt: daysBefore(9), reason: 'TRAIL_FAILED' },
    ]);
  });

  it('renders them in the history section with the time to fix', () => {
    const markdown = renderEvidenceMarkdown(
      buildEvidencePacket(anInput({ episodes })),
    );
    expect(markdown).toContain('### Failure episodes');
    expect(markdown).toMatch(/\| Failing since \| .*start of the open failure episode/);
    expect(markdown).toMatch(/trail `[^`]+` \|[^\n]*\| 2 d 0 h \| `?ROLE_CANNOT_WRITE/);
    expect(markdown).toMatch(/\| the account \|[^\n]*\| still failing \| — \|/);
  });

  it('says nothing is open when no episode is', () => {
    const packet = buildEvidencePacket(anInput({ episodes: [] }));
    expect(packet.failingSince).toBeUndefined();
    expect(renderEvidenceMarkdown(packet)).toContain('no open failure episode');
  });
});
