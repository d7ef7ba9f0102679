export {
  CisAwsCatalogCell,
  createCisAwsCatalogColumn,
} from './CisAwsCatalogColumn';
