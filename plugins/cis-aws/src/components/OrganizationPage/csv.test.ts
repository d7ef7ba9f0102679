import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { accountsToCsv, CSV_COLUMNS, csvField, csvFileName } from './csv';

const HEADER =
  'accountId,title,verdict,reason,trailReasons,reasonText,ownerRef,systemRef,evaluatedAt,verdictSince,failingSince,stale,securityHubStatus,securityHubAgrees,entityRef,detectionVerdict,detectionReason,detectionFailingChecks';

const account: AccountSummary = {
  accountId: '409900112233',
  entityRef: 'resource:default/aws-analytics-sandbox',
  title: 'analytics-sandbox (409900112233)',
  ownerRef: 'group:default/data-team',
  systemRef: 'system:default/analytics',
  verdict: 'FAIL',
  reason: 'NO_TRAILS',
  evaluatedAt: '2026-11-24T08:52:40.128Z',
  verdictSince: '2026-11-24T08:52:40.128Z',
  stale: false,
  securityHub: { status: 'PASS', agrees: false },
};

describe('csv', () => {
  it('has the header only when there are no accounts', () => {
    expect(accountsToCsv([])).toBe(`${HEADER}\r\n`);
    expect(CSV_COLUMNS.join(',')).toBe(HEADER);
  });

  it('writes one line per account in column order', () => {
    expect(accountsToCsv([account])).toBe(
      `${HEADER}\r\n` +
        '409900112233,analytics-sandbox (409900112233),FAIL,NO_TRAILS,,No trails,group:default/data-team,' +
        'system:default/analytics,2026-11-24T08:52:40.128Z,2026-11-24T08:52:40.128Z,2026-11-24T08:52:40.128Z,false,PASS,false,' +
        'resource:default/aws-analytics-sandbox,,,\r\n',
    );
  });

  it('leaves absent values empty', () => {
    const bare: AccountSummary = {
      ...account,
      ownerRef: undefined,
      systemRef: undefined,
      reason: undefined,
      securityHub: { status: 'UNKNOWN', agrees: null },
    };
    const line = accountsToCsv([bare]).split('\r\n')[1];
    expect(line.split(',')).toEqual([
      '409900112233',
      'analytics-sandbox (409900112233)',
      'FAIL',
      '',
      '',
      '',
      '',
      '',
      '2026-11-24T08:52:40.128Z',
      '2026-11-24T08:52:40.128Z',
      '2026-11-24T08:52:40.128Z',
      'false',
      'UNKNOWN',
      '',
      'resource:default/aws-analytics-sandbox',
      '',
      '',
      '',
    ]);
    const noHub = accountsToCsv([{ ...account, securityHub: undefined }]).split(
      '\r\n',
    )[1];
    expect(noHub).toContain(',false,,,resource:');
  });

  it("names the trails' own reasons, not only that a trail fails, and since when it fails", () => {
    const line = accountsToCsv([
      {
        ...account,
        reason: 'TRAIL_FAILED',
        trailReasons: ['ROLE_CANNOT_WRITE', 'DELIVERY_STALE'],
      },
    ]).split('\r\n')[1];
    expect(line).toContain(
      ',FAIL,TRAIL_FAILED,ROLE_CANNOT_WRITE;DELIVERY_STALE,',
    );
    expect(line).toMatch(/,Role cannot write to the log group; [^,]+,/);
    const passing = accountsToCsv([
      { ...account, verdict: 'PASS', reason: undefined },
    ]).split('\r\n')[1];
    // No failing since for an account that passes.
    expect(passing).toContain(
      ',2026-11-24T08:52:40.128Z,2026-11-24T08:52:40.128Z,,false,',
    );
  });

  it('quotes commas, quotes and newlines', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(true)).toBe('true');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');

    const csv = accountsToCsv([{ ...account, title: 'Payments, "prod"\nEU' }]);
    expect(csv.split('\r\n')[1]).toContain(',"Payments, ""prod""\nEU",');
  });

  it('defuses spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
  });

  it('names the file after the day', () => {
    expect(csvFileName(new Date('2026-11-24T08:52:40Z'))).toBe(
      'cis-aws-2.4-accounts-2026-11-24.csv',
    );
  });
});
