import { CatalogTable } from '@backstage/plugin-catalog';
import {
  EntityKindFilter,
  EntityListContextProps,
  EntityTypeFilter,
} from '@backstage/plugin-catalog-react';
import { catalogColumns } from './CatalogIndex';

function listOf(kind: string, type?: string): EntityListContextProps {
  return {
    entities: [],
    filters: {
      kind: new EntityKindFilter(kind, kind),
      ...(type ? { type: new EntityTypeFilter(type) } : {}),
    },
  } as unknown as EntityListContextProps;
}

const titles = (context: EntityListContextProps) =>
  catalogColumns(context).map(column => column.title);

describe('catalogColumns', () => {
  it('adds the CIS 2.4 column after the default ones for the list of AWS accounts', () => {
    const context = listOf('resource', 'cloud-account');
    const defaults = CatalogTable.defaultColumnsFunc(context).map(c => c.title);
    expect(defaults.length).toBeGreaterThan(0);
    expect(titles(context)).toEqual([...defaults, 'CIS 2.4']);
  });

  it('leaves every other list with its default columns', () => {
    for (const context of [
      listOf('resource', 'database'),
      listOf('resource'),
      listOf('component', 'service'),
    ]) {
      expect(titles(context)).toEqual(
        CatalogTable.defaultColumnsFunc(context).map(c => c.title),
      );
    }
  });
});
