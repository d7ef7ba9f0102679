/**
 * What the demo world (packages/aws-simulator/worlds/demo.yaml, examples/accounts.yaml) calls
 * for, shared by the specs that check the running demo.
 */

/** CIS 2.4 verdict per demo account, as `npm start` evaluates it on start-up. */
export const EXPECTED_2_4_VERDICTS: Record<string, string> = {
  '401122334455': 'PASS',
  '402233445566': 'PASS',
  '403344556677': 'PASS',
  '404455667788': 'FAIL',
  '411122334455': 'ERROR',
  '405566778899': 'PASS',
  '406677889900': 'FAIL',
  '407788990011': 'FAIL',
  '408899001122': 'FAIL',
  '410011223344': 'PASS',
  '409900112233': 'FAIL',
  '412244668800': 'PASS', // growth-experiments: untagged, nobody owns it
};
