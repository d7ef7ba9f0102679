export { DetectionSection, DetectionResultView } from './DetectionSection';
export { DetectionCardLine } from './DetectionCardLine';
export { DetectionCell } from './DetectionCell';
export { DetectionRollupLine } from './DetectionRollupLine';
export {
  DetectionRollupCell,
  DetectionRollupHeaderCell,
} from './DetectionRollupCell';
export { DetectionFilter } from './DetectionFilter';
export {
  DETECTION_CSV_COLUMNS,
  detectionCsvValues,
  type DetectionCsvColumn,
} from './csv';
export { detectionRemediation } from './remediation';
