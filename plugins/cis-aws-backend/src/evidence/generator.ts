import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';

const PACKAGE_NAME = '@cis-aws/plugin-cis-aws-backend';

let cached: string | undefined;

/**
 * `<package name>@<version>` of this plugin, read from its package.json (wherever the package is
 * installed): a packet names the exact software that produced it.
 */
export function evidenceGenerator(): string {
  if (cached === undefined) {
    try {
      const manifest = JSON.parse(
        readFileSync(resolvePackagePath(PACKAGE_NAME, 'package.json'), 'utf8'),
      ) as { name?: string; version?: string };
      cached = `${manifest.name ?? PACKAGE_NAME}@${
        manifest.version ?? 'unknown'
      }`;
    } catch {
      cached = `${PACKAGE_NAME}@unknown`;
    }
  }
  return cached;
}
