import { mockServices } from '@backstage/backend-test-utils';
// The checker's tools are in node_modules through the Backstage CLI, not declared by this package.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ApiServices } from '../services';
import { createRouter } from './router';

/**
 * The hand-written OpenAPI document against what serves and what consumes it: every route the
 * router registers is in the document with its method and path parameters, and the reverse; the
 * frontend's fixtures are valid responses of the routes they stand for.
 */

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { $ref?: string; name?: string; in?: string }[];
        responses: Record<
          string,
          { content?: Record<string, { schema: object }> }
        >;
      }
    >
  >;
  components: { parameters: Record<string, { name: string; in: string }> };
};

const DOCUMENT: OpenApi = parse(
  readFileSync(join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** `METHOD /path/{param}` of every route of an express router, sub-routers included. */
function routesOf(stack: Layer[]): string[] {
  return stack.flatMap(layer => {
    if (layer.route) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map(
        method => `${method.toUpperCase()} ${path}`,
      );
    }
    return layer.handle.stack ? routesOf(layer.handle.stack) : [];
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function documentedRoutes(): string[] {
  return Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(method => METHODS.includes(method))
      .map(method => `${method.toUpperCase()} ${path}`),
  );
}

describe('src/schema/openapi.yaml', () => {
  it('documents every route the router registers, and no other', async () => {
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      ...({} as ApiServices),
      diagnostics: { getDiagnostics: jest.fn() },
    });
    const registered = routesOf(
      (router as unknown as { stack: Layer[] }).stack,
    );
    expect(registered.length).toBeGreaterThan(10);
    expect([...documentedRoutes()].sort()).toEqual([...registered].sort());
  });

  it('declares exactly the path parameters of each path, as required path parameters', () => {
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();
      for (const method of Object.keys(item).filter(m => METHODS.includes(m))) {
        const declared = (item[method].parameters ?? [])
          .map(p =>
            p.$ref
              ? DOCUMENT.components.parameters[p.$ref.split('/').pop()!]
              : p,
          )
          .filter(p => p.in === 'path')
          .map(p => p.name)
          .sort();
        expect({ route: `${method} ${path}`, params: declared }).toEqual({
          route: `${method} ${path}`,
          params: inPath,
        });
      }
    }
  });

  it('documents the 400 and 401 every route can answer', () => {
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const method of Object.keys(item).filter(m => METHODS.includes(m))) {
        expect({
          route: `${method} ${path}`,
          codes: Object.keys(item[method].responses)
            .filter(c => ['400', '401'].includes(c))
            .sort(),
        }).toEqual({ route: `${method} ${path}`, codes: ['400', '401'] });
      }
    }
  });

  describe('the frontend fixtures', () => {
    /**
     * Fixtures known not to match what the backend sends, and why. The frontend owns them; when
     * one is fixed, its entry here fails and goes.
     */
    const KNOWN_DRIFT: Record<string, string> = {};
    const FIXTURES = join(__dirname, '../../../cis-aws/src/__fixtures__');
    /** Which response each fixture stands for, by file name. */
    const RESPONSE_OF: [RegExp, string, string][] = [
      [/^account-.*\.json$/, '/v1/accounts/{accountId}', 'get'],
      [/^accounts-list\.json$/, '/v1/accounts', 'get'],
      [/^entity-.*\.json$/, '/v1/entities/{kind}/{namespace}/{name}', 'get'],
      [/^exceptions-(active|pending)\.json$/, '/v1/exceptions', 'get'],
      [/^exceptions-.*\.json$/, '/v1/accounts/{accountId}/exceptions', 'get'],
      [/^history-.*\.json$/, '/v1/accounts/{accountId}/history', 'get'],
      [/^owners\.json$/, '/v1/owners', 'get'],
      [/^runs\.json$/, '/v1/runs', 'get'],
      [/^diagnostics-.*\.json$/, '/v1/diagnostics', 'get'],
    ];
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(DOCUMENT as object, 'openapi.yaml');

    const files = readdirSync(FIXTURES).filter(f => f.endsWith('.json'));

    it('are all known to this test', () => {
      expect(
        files.filter(f => !RESPONSE_OF.some(([re]) => re.test(f))),
      ).toEqual([]);
    });

    it.each(files)('%s is a valid response of its route', file => {
      const [, path, method] = RESPONSE_OF.find(([re]) => re.test(file))!;
      const pointer = [
        'paths',
        path.replace(/~/g, '~0').replace(/\//g, '~1'),
        method,
        'responses',
        '200',
        'content',
        'application~1json',
        'schema',
      ].join('/');
      const validate = ajv.getSchema(`openapi.yaml#/${pointer}`);
      expect(validate).toBeDefined();
      const data = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
      validate!(data);
      // A fixture with known drift must still fail, so its entry goes when it is fixed.
      const errors = validate!.errors ?? [];
      expect({
        file,
        valid: errors.length === 0,
        errors: KNOWN_DRIFT[file] ? [] : errors,
      }).toEqual({ file, valid: !KNOWN_DRIFT[file], errors: [] });
    });
  });
});
