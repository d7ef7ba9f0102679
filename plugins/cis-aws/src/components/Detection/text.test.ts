import {
  DETECTION_CHECK_IDS,
  DETECTION_REASON_CODES,
} from '@cis-aws/plugin-cis-aws-common';
import {
  IAM_PASS_WITH_WARNINGS,
  ROOT_PASS,
} from '../../__fixtures__/detection';
import {
  checkHeading,
  checkSentence,
  DETECTION_REASON_TITLES,
  outcomeLabel,
  summaryLine,
} from './text';

describe('detection text', () => {
  it('has words for every check and every reason', () => {
    for (const id of DETECTION_CHECK_IDS)
      expect(checkHeading(id)).toMatch(new RegExp(`^${id} \\w`));
    for (const reason of DETECTION_REASON_CODES)
      expect(DETECTION_REASON_TITLES[reason]).toBeTruthy();
  });

  it('counts subscribers in words, singular and plural', () => {
    expect(checkSentence(ROOT_PASS)).toBe(
      'Root account use is detected and alerts reach 2 confirmed subscribers.',
    );
    expect(checkSentence(IAM_PASS_WITH_WARNINGS)).toBe(
      'IAM policy changes are detected and alerts reach 1 confirmed subscriber.',
    );
  });

  it('summarises an account by its first failing check, with the right verb', () => {
    const base = { evaluatedAt: '2026-11-24T08:52:40.128Z' };
    expect(
      summaryLine({
        ...base,
        verdict: 'FAIL',
        reason: 'NO_ALARM',
        failingChecks: ['3.4'],
      }),
    ).toBe('IAM policy changes (3.4) are not watched: no alarm on the metric.');
    expect(
      summaryLine({
        ...base,
        verdict: 'ERROR',
        reason: 'API_ERROR',
        failingChecks: ['3.3', '3.5'],
      }),
    ).toBe(
      'Root account use (3.3) could not be checked: an AWS call failed; also 3.5.',
    );
  });

  it('says what a pattern did with an event', () => {
    expect(
      outcomeLabel({ eventId: 'a', expected: 'MATCH', matched: false }),
    ).toBe('missed');
    expect(
      outcomeLabel({ eventId: 'a', expected: 'NO_MATCH', matched: true }),
    ).toBe('matched, but unrelated');
  });
});
