import http from 'node:http';
import { ConfigReader } from '@backstage/config';
import { createAccountCredentials } from '@cis-aws/plugin-cis-aws-node';
import { AwsClientFactory } from '../clients';
import {
  DetectionClients,
  SdkMetricAlarm,
  SdkSubscription,
} from '../detection';

/**
 * Test-only `DetectionClients` against the simulator, until `@aws-sdk/client-cloudwatch` and
 * `@aws-sdk/client-sns` are installed: CloudWatch Logs through the real SDK client, CloudWatch
 * and SNS through awsQuery on the wire (a form POST with the reader role's credentials in a
 * SigV4 Authorization header, whose signature the simulator does not check), their XML read
 * into the SDK's output shapes.
 */

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const XML_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Elements and text only: all an awsQuery answer holds. */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '', children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([\w:.-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(token)) {
    const top = stack[stack.length - 1];
    if (m[4] !== undefined) {
      top.text += m[4].replace(/&(\w+);/g, (_, e) => XML_ENTITIES[e] ?? _);
    } else if (m[1]) {
      stack.pop();
    } else {
      const element: XmlElement = { name: m[2], children: [], text: '' };
      top.children.push(element);
      if (!m[3]) stack.push(element);
    }
  }
  return root;
}

function child(e: XmlElement | undefined, name: string) {
  return e?.children.find(c => c.name === name);
}

function find(e: XmlElement, name: string): XmlElement | undefined {
  if (e.name === name) return e;
  for (const c of e.children) {
    const found = find(c, name);
    if (found) return found;
  }
  return undefined;
}

const members = (e: XmlElement | undefined) =>
  e?.children.filter(c => c.name === 'member') ?? [];
const text = (e: XmlElement | undefined) => (e ? e.text : undefined);

/**
 * One POST on its own connection (no keep-alive agent), so that nothing outlives the test.
 */
function post(
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

class QueryError extends Error {
  constructor(
    readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number },
  ) {
    super(message);
  }
}

export function simulatedDetectionClients(
  simulatorUrl: string,
  aws: AwsClientFactory,
) {
  const credentials = createAccountCredentials({
    config: new ConfigReader({
      aws: {
        mainAccount: {
          accessKeyId: 'AKIATESTMAINACCOUNT0',
          secretAccessKey: 'test-only',
        },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
    }),
    endpoint: simulatorUrl,
    roleSessionName: 'backstage-cis-aws',
  });

  return async (accountId: string): Promise<DetectionClients> => {
    const clients = await aws.forAccount(accountId);
    const provider = await credentials.forAccount(accountId);
    const call = async (
      service: 'monitoring' | 'sns',
      region: string,
      params: Record<string, string>,
    ) => {
      const identity = await provider();
      const response = await post(
        simulatorUrl,
        {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          authorization: `AWS4-HMAC-SHA256 Credential=${
            identity.accessKeyId
          }/20260115/${region}/${service}/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(
            64,
          )}`,
          ...(identity.sessionToken
            ? { 'x-amz-security-token': identity.sessionToken }
            : {}),
        },
        new URLSearchParams(params).toString(),
      );
      const doc = parseXml(response.body.toString('utf8'));
      if (response.status >= 300) {
        const error = find(doc, 'Error');
        throw new QueryError(
          text(child(error, 'Code')) ?? 'UnknownError',
          text(child(error, 'Message')) ?? '',
          { httpStatusCode: response.status },
        );
      }
      return doc;
    };

    return {
      accountId,
      logs: region => clients.logs(region),
      describeAlarmsForMetric: async (region, input) => {
        const doc = await call('monitoring', region, {
          Action: 'DescribeAlarmsForMetric',
          Version: '2010-08-01',
          ...input,
        });
        const alarms = members(find(doc, 'MetricAlarms')).map(
          (m): SdkMetricAlarm => ({
            AlarmName: text(child(m, 'AlarmName')),
            AlarmArn: text(child(m, 'AlarmArn')),
            ActionsEnabled: text(child(m, 'ActionsEnabled')) === 'true',
            AlarmActions: members(child(m, 'AlarmActions')).map(a => a.text),
            StateValue: text(child(m, 'StateValue')),
            StateUpdatedTimestamp: new Date(
              text(child(m, 'StateUpdatedTimestamp')) ?? 0,
            ),
            Threshold: Number(text(child(m, 'Threshold'))),
            ComparisonOperator: text(child(m, 'ComparisonOperator')),
            MetricName: text(child(m, 'MetricName')),
            Namespace: text(child(m, 'Namespace')),
          }),
        );
        return { MetricAlarms: alarms };
      },
      listSubscriptionsByTopic: async (region, input) => {
        const doc = await call('sns', region, {
          Action: 'ListSubscriptionsByTopic',
          Version: '2010-03-31',
          ...input,
        });
        const subscriptions = members(find(doc, 'Subscriptions')).map(
          (m): SdkSubscription => ({
            SubscriptionArn: text(child(m, 'SubscriptionArn')),
            Protocol: text(child(m, 'Protocol')),
          }),
        );
        const next = text(find(doc, 'NextToken'));
        return {
          Subscriptions: subscriptions,
          ...(next ? { NextToken: next } : {}),
        };
      },
    };
  };
}
