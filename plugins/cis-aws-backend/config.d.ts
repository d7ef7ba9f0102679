import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * CIS AWS Foundations v1.2 control 2.4: CloudTrail trails integrated with
   * CloudWatch Logs. AWS credentials come from the standard `aws` config of
   * `@backstage/integration-aws-node` (mainAccount, accountDefaults, accounts):
   * the backend assumes `accountDefaults.roleName` (or the per-account
   * override) in every account it evaluates.
   *
   * Every value below is checked at start-up, and so is every key (a key that
   * is not one of these is refused, so a typo does not go unnoticed): a wrong
   * one stops the backend with one error listing each wrong key and what is
   * wrong with it, rather than starting with the value half-applied.
   */
  cisAws?: {
    /**
     * When every mapped account is evaluated. Default: every hour, with a
     * timeout of 30 minutes, 15 seconds after start-up. Accounts that appear
     * in the catalog in between are evaluated within a minute.
     * `frequency` and `timeout` must be longer than zero (a duration with a
     * negative part, such as `{ hours: 1, minutes: -5 }` from merged files, is
     * refused); `frequency` may be `{ cron: '0 * * * *' }` (5 fields, or 6 with
     * seconds first, checked at start-up) or `{ trigger: manual }`;
     * `initialDelay` is zero or longer; `scope` is `global` or `local`.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /**
     * The oldest CloudWatch Logs delivery that still counts as recent: an ISO
     * 8601 duration (`PT24H`) or a duration object (`{ hours: 24 }`).
     * Default: 24 hours. Must be longer than zero.
     */
    maxDeliveryAge?: string | HumanDuration;

    evaluate?: {
      /**
       * How soon an owner of an account (through the catalog's ownership, without the
       * `cis-aws.account.evaluate` permission) may evaluate it again after its latest
       * evaluation, whoever or whatever made that one: `POST /v1/accounts/{id}/evaluate`
       * answers 429 with Retry-After until then. Holders of the permission are not limited.
       * An ISO 8601 duration or a duration object. Default: 1 minute.
       */
      minInterval?: string | HumanDuration;
    };

    aws?: {
      /**
       * An AWS-compatible endpoint every AWS client talks to instead of the
       * AWS endpoints (a simulator, a proxy). The SDK's standard
       * AWS_ENDPOINT_URL environment variable works too; this key wins.
       * An http or https URL; an empty string undoes an endpoint a lower config
       * layer set (the AWS endpoints then).
       */
      endpoint?: string;
      /**
       * How trails are found. `account` (default): one ListTrails, which AWS
       * documents as listing the account's trails of every region.
       * `region`: ListTrails in every region of `regions`, for accounts
       * where that is not so; regions not enabled for an account are skipped.
       */
      inventory?: 'account' | 'region';
      /**
       * The regions of the `region` inventory. Default: the 17 commercial
       * regions enabled by default. Each an AWS region name (`us-east-1`);
       * the list may not be empty with the `region` inventory.
       */
      regions?: string[];
      /** The region of global services (STS, IAM, Organizations) and of ListTrails: an AWS region name. Default: us-east-1. */
      defaultRegion?: string;
      /** How many accounts are collected at once: a whole number from 1 to 64. Default: 16. */
      concurrency?: number;
      /** Attempts per AWS call, retries with backoff on throttling and 5xx included: 1 to 10. Default: 5. */
      maxAttempts?: number;
      /** Time limit of one attempt, in milliseconds: 1000 to 300000. Default: 20000. */
      requestTimeoutMs?: number;
      /**
       * How long the policy documents of a trail's CloudWatch Logs role, read as evidence, may
       * be shown again instead of being read from IAM on every run: an ISO 8601 duration or a
       * duration object, zero or longer (zero: read them every time). The permission itself is
       * decided by iam:SimulatePrincipalPolicy on every run, and a change of its answer reads
       * the documents again at once; the evaluation says when they were read. Default: 24 hours.
       */
      rolePolicyMaxAge?: string | HumanDuration;
    };

    history?: {
      /**
       * How long verdict changes, daily verifications and run records are kept: an ISO 8601
       * duration or a duration object. Default: 400 days (an audit year plus a margin; at
       * least 13 months). Must be longer than zero. Each account's current result and latest
       * change are always kept.
       */
      retention?: string | HumanDuration;
    };

    evidence?: {
      /** The control statement printed at the top of every evidence packet (not blank). */
      controlStatement?: string;
      /** The scope definition (which accounts and environments must comply; not blank). */
      scope?: string;
      /** How far back a packet's verification history reaches (longer than zero). Default: 90 days. */
      historyPeriod?: string | HumanDuration;
      /**
       * Signs every evidence packet with HMAC-SHA256 over its digest (`integrity.signature`), so
       * a packet cannot be re-made by someone who can only write the database. At least 32
       * characters; never logged, served or written into a packet (packets name it by a key id,
       * the first 16 hex digits of a hash of it). Default: packets are unsigned (they still
       * carry their digest and the evidence chain head).
       * @visibility secret
       */
      signingKey?: string;
    };

    exceptions?: {
      /** The longest an exception may last from its request (longer than zero). Default: 365 days. */
      maxDuration?: string | HumanDuration;
      /**
       * Group entity refs (`group:default/security-team`) whose members approve or reject
       * exception requests (they also need `cis-aws.exception.approve`); never the requester.
       * Anything but a group ref stops start-up. Default: none, and then nobody can approve.
       */
      approvers?: string[];
      /**
       * How long before an approved exception expires its account's owner and the approver
       * groups are notified, once (longer than zero). Default: 14 days; also the window of
       * "expiring soon" on the organization page.
       */
      remindBefore?: string | HumanDuration;
    };

    /**
     * Notifications to the owning entity (its members) through the
     * notifications backend when an account's verdict turns FAIL (at once),
     * when it could not be checked for a while (ERROR or UNKNOWN result after
     * result, see `errorAfter`: a throttled run or one failed call notifies
     * nothing), and when it recovers into PASS or EXEMPT from what the owner
     * was told (nothing else is announced, so nothing else recovers). Each
     * account has one notification per user, updated on every later change.
     */
    notifications?: {
      /** Default: true. */
      enabled?: boolean;
      /**
       * Which changes notify: `fail` (into FAIL), `error` (ERROR or UNKNOWN
       * that persists), `recovery` (into PASS or EXEMPT from a notified FAIL,
       * ERROR or UNKNOWN); any other name is refused. Default: all three.
       */
      transitions?: Array<'fail' | 'error' | 'recovery'>;
      /**
       * Whether an account's first result ever notifies when it is FAIL or
       * ERROR. Turn off to roll the plugin out to many failing accounts
       * without a burst of notifications. Default: true.
       */
      notifyFirstResult?: boolean;
      /**
       * The entity ref (e.g. `group:default/platform-team`) notified about
       * accounts without an owner; the kind is required, the namespace may be
       * left out. Default: nobody (logged at info).
       */
      unownedRecipient?: string;
      /**
       * When an account that could not be checked (ERROR or UNKNOWN, result
       * after result) is worth telling its owner: once both conditions that
       * are set hold. FAIL always notifies at once. A wrong value stops
       * start-up naming the key. Default: `{ runs: 2 }`.
       */
      errorAfter?: {
        /**
         * Results in a row that are ERROR or UNKNOWN: a whole number from 1
         * (at the first) to 1000. Default: 2, or 1 when only `duration` is
         * set.
         */
        runs?: number;
        /**
         * How long since the first of them: an ISO 8601 duration (`PT1H`) or
         * an object (`{ hours: 1 }`), zero or longer. Default: none.
         */
        duration?: string | HumanDuration;
      };
      /**
       * The detection control (`cis-3.x-detection`, CIS 3.x on the integrated log group): its
       * own notification per account (topic `CIS AWS 3.x detection`), beside the 2.4 one.
       * `fail`: PASS → FAIL (at once); `error`: ERROR that persists; `recovery`: → PASS from a
       * notified FAIL or ERROR. NOT_APPLICABLE notifies nothing. `notifyFirstResult` and
       * `unownedRecipient` are shared with 2.4.
       */
      detection?: {
        /** Default: true (nothing is sent when `cisAws.notifications.enabled` is false). */
        enabled?: boolean;
        /** Which changes notify; any other name is refused. Default: all three. */
        transitions?: Array<'fail' | 'error' | 'recovery'>;
        /** As `cisAws.notifications.errorAfter`, which it defaults to. */
        errorAfter?: {
          runs?: number;
          duration?: string | HumanDuration;
        };
      };
    };

    securityHub?: {
      /** Read Security Hub's CloudTrail.5 findings as a second opinion. Default: true. */
      enabled?: boolean;
      /**
       * The Security Hub administrator (aggregator) account whose findings
       * cover every account; its role is assumed like any account's. Its
       * 12-digit id, in quotes (a YAML number loses leading zeros).
       */
      administratorAccountId?: string;
      /** The aggregation region: an AWS region name. Default: the default region. */
      region?: string;
    };

    /**
     * Detection content on the log group a trail delivers to (CIS v1.2 3.1–3.14: metric filter
     * → alarm on its metric → SNS topic → confirmed subscription; detection-content.md), a
     * control of its own (`cis-3.x-detection`) beside 2.4.
     */
    detection?: {
      /** Evaluate detection content on every run. Default: true. */
      enabled?: boolean;
      /**
       * Which checks are required: `baseline` (3.3 root use, 3.4 IAM policy changes, 3.5
       * CloudTrail changes), `all` (3.1 to 3.14), or a list of check ids such as
       * `['3.1', '3.3']`. Default: baseline.
       */
      checks?: 'baseline' | 'all' | string[];
      /**
       * Ask CloudWatch Logs to judge each pattern against the canonical events
       * (`logs:TestMetricFilter`, the authoritative answer); false: judge them with the local
       * implementation of the filter-pattern syntax only (a reader without that action).
       * Default: true.
       */
      testMetricFilter?: boolean;
    };

    /**
     * How replicas share evaluations (README: "Running several replicas"). Every evaluation of
     * an account holds a lease on it in the database; a run's accounts are queued there and
     * claimed in batches by every replica's worker, which renews its claims and leases every
     * `heartbeat`. A replica that stops renewing (killed) loses them after `leaseDuration`, and
     * another replica takes its accounts over. Durations: ISO 8601 (`PT2M`) or objects
     * (`{ minutes: 2 }`), longer than zero.
     */
    runs?: {
      /** Names this replica in leases and run records. Default: host/pid/random suffix. */
      replicaId?: string;
      /** Accounts a worker claims at a time, 1 to 1000. Default: 25. */
      batchSize?: number;
      /** How long a claim or lease lasts without renewal. Default: 2 minutes. */
      leaseDuration?: string | HumanDuration;
      /** How often claims and leases are renewed; at most half of leaseDuration. Default: 30 seconds. */
      heartbeat?: string | HumanDuration;
      /** How often each replica's worker looks for queued accounts. Default: 15 seconds. */
      workerFrequency?: string | HumanDuration;
      /**
       * How long a request to evaluate one account waits for an evaluation of that account
       * already under way before answering 409. Zero or longer. Default: 30 seconds.
       */
      accountWait?: string | HumanDuration;
    };
    /**
     * Re-evaluating an account soon after a CloudTrail event says something CIS 2.4 depends on
     * changed in it (StopLogging, DeleteTrail, DeleteLogGroup, DetachRolePolicy, …), received
     * through Backstage's events system: the AWS SQS module or the events backend's HTTP ingress
     * publishes them on `topic` (docs/events.md).
     */
    events?: {
      /** Subscribe to the topic. Default: true (without publishers nothing arrives). */
      enabled?: boolean;
      /** The events topic the CloudTrail events are published on. Default: `cisAwsCloudTrail`. */
      topic?: string;
      /**
       * Events for one account arriving within this long of the first are evaluated together,
       * once. Zero to 15 minutes, ISO 8601 (`PT10S`) or an object (`{ seconds: 10 }`).
       * Default: 10 seconds.
       */
      debounce?: string | HumanDuration;
    };
  };
}
