import http from 'node:http';
import { RunningSimulator } from '../index';
import { decodeCbor, encodeCbor } from '../protocols/cbor';
import { CALLER_CREDENTIALS, Credentials } from './harness';

/**
 * Requests on the wire for the services whose SDK clients this repository does not install
 * (CloudWatch, SNS): the same bytes and headers the AWS SDK for JavaScript v3 sends — Smithy
 * RPC v2 CBOR for CloudWatch, awsQuery for SNS — with a SigV4 Authorization header whose
 * scope the simulator reads (it never checks signatures).
 */

function authorization(
  credentials: Credentials,
  region: string,
  service: string,
): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${
      credentials.accessKeyId
    }/20260115/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(
      64,
    )}`,
    'x-amz-date': '20260115T100000Z',
    ...(credentials.sessionToken
      ? { 'x-amz-security-token': credentials.sessionToken }
      : {}),
  };
}

/**
 * One POST on its own connection (no keep-alive agent), so that nothing outlives the test.
 */
export function post(
  url: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers, agent: false },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface RawOptions {
  region?: string;
  credentials?: Credentials;
}

/** A CloudWatch call in Smithy RPC v2 CBOR: status, headers and the decoded body. */
export async function cloudWatchCbor(
  sim: RunningSimulator,
  operation: string,
  input: object,
  options: RawOptions = {},
) {
  const region = options.region ?? 'us-east-1';
  const response = await post(
    `${sim.url}/service/GraniteServiceVersion20100801/operation/${operation}`,
    {
      'smithy-protocol': 'rpc-v2-cbor',
      'content-type': 'application/cbor',
      accept: 'application/cbor',
      ...authorization(
        options.credentials ?? CALLER_CREDENTIALS,
        region,
        'monitoring',
      ),
    },
    encodeCbor(input),
  );
  return {
    status: response.status,
    headers: response.headers,
    body: decodeCbor(response.body) as Record<string, any>,
  };
}

/** A CloudWatch call in AWS JSON 1.0 (what the SDK sends today): status, headers, parsed body. */
export async function cloudWatchJson(
  sim: RunningSimulator,
  operation: string,
  input: object,
  options: RawOptions = {},
) {
  const region = options.region ?? 'us-east-1';
  const response = await post(
    sim.url,
    {
      'x-amz-target': `GraniteServiceVersion20100801.${operation}`,
      'content-type': 'application/x-amz-json-1.0',
      ...authorization(
        options.credentials ?? CALLER_CREDENTIALS,
        region,
        'monitoring',
      ),
    },
    JSON.stringify(input),
  );
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(response.body.toString('utf8')) as Record<string, any>,
  };
}

/** An awsQuery call (form body, XML answer). */
export async function awsQuery(
  sim: RunningSimulator,
  service: 'sns' | 'monitoring',
  params: Record<string, string>,
  options: RawOptions = {},
) {
  const region = options.region ?? 'us-east-1';
  const response = await post(
    sim.url,
    {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...authorization(
        options.credentials ?? CALLER_CREDENTIALS,
        region,
        service,
      ),
    },
    new URLSearchParams(params).toString(),
  );
  return { status: response.status, text: response.body.toString('utf8') };
}

/** Every text of `<tag>` in an XML answer, in document order. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map(
    m => m[1],
  );
}
