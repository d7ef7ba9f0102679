import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
// TypeScript's own pre-processor reads the imports (a devDependency of this package).
import ts from 'typescript';

/**
 * The backend's import structure, checked on every non-test `.ts` file of `src/` (type-only
 * imports and re-exports count: a type loop is still a loop for a reader, and for the build
 * order of anything that splits the package).
 *
 * Layers, top to bottom. A file may import from its own layer or any layer below, never from
 * one above:
 *
 * 1. entry points: `plugin.ts` (wiring), `index.ts`, `cli/` (the evidence command)
 * 2. `api/`: HTTP routes — parse, authenticate, call one service method
 * 3. `engine/`, `services/`: the evaluation engine and the named services the routes call
 * 4. `config.ts`: every `cisAws.*` setting, read once by the entry points and handed down as
 *    values. The API and the services may name its `CisAwsOptions` type; nothing below imports
 *    it — the layers below define the option shapes they need (`AwsClientOptions`,
 *    `EvidenceOptions`, `NotificationOptions`, `CollectionOptions`) and config.ts composes them.
 * 5. `notifications/`, `evidence/`: what is made from stored results (owner notifications,
 *    evidence packets)
 * 6. `aws/`, `catalog/`, `storage/`: the edges — AWS calls, the catalog, the database
 * 7. `rules/`, `lib/`: pure verdict rules and small helpers used across layers
 *
 * And no import cycle anywhere, within a layer included.
 */
const LAYERS: { name: string; matches: (path: string) => boolean }[] = [
  {
    name: 'entry points',
    matches: p => ['plugin.ts', 'index.ts'].includes(p) || p.startsWith('cli/'),
  },
  { name: 'api', matches: p => p.startsWith('api/') },
  {
    name: 'services',
    matches: p => p.startsWith('engine/') || p.startsWith('services/'),
  },
  { name: 'config', matches: p => p === 'config.ts' },
  {
    name: 'notifications and evidence',
    matches: p => p.startsWith('notifications/') || p.startsWith('evidence/'),
  },
  {
    name: 'aws, catalog and storage',
    matches: p =>
      p.startsWith('aws/') ||
      p.startsWith('catalog/') ||
      p.startsWith('storage/'),
  },
  {
    name: 'rules and lib',
    matches: p => p.startsWith('rules/') || p.startsWith('lib/'),
  },
];

const SRC = __dirname;

/** Test files, test helpers and Jest's setup file are not part of the structure. */
function isProductionFile(path: string): boolean {
  return (
    /\.tsx?$/.test(path) &&
    !/\.test\.tsx?$/.test(path) &&
    !path.endsWith('.d.ts') &&
    path !== 'setupTests.ts' &&
    !path.split('/').some(part => part.startsWith('__'))
  );
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** `./x` or `../y/z` as the file it names, relative to `src/`; undefined for packages. */
function resolveImport(
  fromFile: string,
  specifier: string,
): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(join(SRC, fromFile)), specifier);
  const candidate = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ].find(path => existsSync(path) && statSync(path).isFile());
  return candidate && relative(SRC, candidate).split('\\').join('/');
}

/**
 * Every module a file imports or re-exports from: `import`, `import type`, `export … from`,
 * `import()` and `require()`, as TypeScript's own pre-processor reads them.
 */
function importsOf(path: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map(file => resolveImport(path, file.fileName))
    .filter((file): file is string => file !== undefined);
}

type ImportGraph = Map<string, string[]>;

function readGraph(): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const absolute of listFiles(SRC)) {
    const path = relative(SRC, absolute).split('\\').join('/');
    if (!isProductionFile(path)) continue;
    graph.set(path, importsOf(path, readFileSync(absolute, 'utf8')));
  }
  return graph;
}

/** Every import cycle, each as the files along it (Tarjan's strongly connected components). */
function findCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const visit = (node: string) => {
    indices.set(node, index);
    lowLinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        lowLinks.set(node, Math.min(lowLinks.get(node)!, lowLinks.get(next)!));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node)!, indices.get(next)!));
      }
    }
    if (lowLinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfImport = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) {
    if (!indices.has(node)) visit(node);
  }
  return cycles;
}

function layerOf(path: string): number {
  return LAYERS.findIndex(layer => layer.matches(path));
}

/** Imports from a lower layer to a higher one, as `from → to (layer → layer)`. */
function upwardImports(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, imports] of graph) {
    for (const to of imports) {
      const fromLayer = layerOf(from);
      const toLayer = layerOf(to);
      if (fromLayer >= 0 && toLayer >= 0 && toLayer < fromLayer) {
        found.push(
          `${from} → ${to} (${LAYERS[fromLayer].name} → ${LAYERS[toLayer].name})`,
        );
      }
    }
  }
  return found.sort();
}

describe('the backend’s import structure', () => {
  const graph = readGraph();

  it('reads the files it checks, type-only imports included', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('plugin.ts')).toContain('config.ts');
    expect(
      importsOf(
        'aws/x.ts',
        "import type { A } from './clients';\nexport { B } from '../rules';",
      ),
    ).toEqual(['aws/clients.ts', 'rules/index.ts']);
  });

  it('puts every file in a layer', () => {
    expect([...graph.keys()].filter(path => layerOf(path) < 0)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph).map(cycle => cycle.join(' ⇄ '))).toEqual([]);
  });

  it('never imports from a higher layer', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('finds a planted cycle and a planted upward import', () => {
    const planted: ImportGraph = new Map([
      ['aws/clients.ts', ['config.ts']],
      ['config.ts', ['aws/inventory.ts']],
      ['aws/inventory.ts', ['aws/clients.ts']],
      ['rules/a.ts', ['rules/a.ts']],
    ]);
    expect(findCycles(planted)).toEqual([
      ['aws/clients.ts', 'aws/inventory.ts', 'config.ts'],
      ['rules/a.ts'],
    ]);
    expect(upwardImports(planted)).toEqual([
      'aws/clients.ts → config.ts (aws, catalog and storage → config)',
    ]);
  });
});
