export interface Config {
  techInsights?: {
    factRetrievers?: {
      /**
       * The CIS AWS 2.4 fact retriever of
       * `@cis-aws/plugin-tech-insights-backend-module-cis-aws`. Tech Insights
       * schedules it only when this entry has a `cadence` (a cron
       * expression, e.g. '0 * * * *'); `lifecycle`, `initialDelay` and
       * `timeout` are Tech Insights' own settings for any retriever.
       */
      cisAwsFactRetriever?: {
        /**
         * How many entities the retriever asks the cis-aws backend about at
         * once, from 1 to 64. Default 8.
         */
        concurrency?: number;
      };
    };
  };
}
