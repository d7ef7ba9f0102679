import { Config } from '@backstage/config';
import { join, resolve } from 'node:path';

/** The plugin's id: its database is the one the backend gives `cis-aws`. */
export const PLUGIN_ID = 'cis-aws';

type SqliteConnection = { filename?: string; directory?: string };

function connectionOf(config: Config | undefined): SqliteConnection {
  if (!config?.has('connection')) return {};
  const value = config.get('connection');
  if (typeof value === 'string') return { filename: value };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { filename, directory } = value as Record<string, unknown>;
    return {
      ...(typeof filename === 'string' ? { filename } : {}),
      ...(typeof directory === 'string' ? { directory } : {}),
    };
  }
  return {};
}

/**
 * Where the plugin's SQLite database file is, the way Backstage's database manager finds it
 * (`<directory>/<pluginId>.sqlite`, or the plugin's own filename), relative paths resolved from
 * `baseDir`: so the export can say "there is no database" instead of creating an empty one.
 * `undefined` when the database is not SQLite; `':memory:'` for an in-memory one.
 */
export function sqliteDatabaseFile(
  config: Config,
  baseDir: string,
  pluginId = PLUGIN_ID,
): string | undefined {
  const database = config.getOptionalConfig('backend.database');
  if (!database) return undefined;
  const pluginConfig = database.getOptionalConfig(`plugin.${pluginId}`);
  const client =
    pluginConfig?.getOptionalString('client') ??
    database.getOptionalString('client');
  if (!client?.includes('sqlite')) return undefined;
  const connection = {
    ...connectionOf(database),
    ...connectionOf(pluginConfig),
  };
  if (connection.filename === ':memory:') return ':memory:';
  return resolve(
    baseDir,
    join(
      connection.directory ?? '.',
      connection.filename ?? `${pluginId}.sqlite`,
    ),
  );
}
