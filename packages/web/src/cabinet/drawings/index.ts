// Schema drawings (シェーマ) of the Care Cabinet: the components a page mounts.
export { DrawingCompare } from './DrawingCompare';
export { DrawingView } from './DrawingView';
export { SchemaEditor, type SchemaEditorProps } from './SchemaEditor';
export { StampLegend } from './StampLegend';
