// Cornerstone3D's core imports vtk.js's VTP mesh reader, which needs xmlbuilder2 (Node's `events`,
// absent in the browser build). The viewer never reads meshes: the build aliases xmlbuilder2 here
// (docs/dicom-viewer-choice.md §3), which also keeps 76 KB gzip out of the viewer's chunk.
export function create(): never {
  throw new Error('xmlbuilder2 is not bundled in the portal');
}
export function fragment(): never {
  throw new Error('xmlbuilder2 is not bundled in the portal');
}
export function convert(): never {
  throw new Error('xmlbuilder2 is not bundled in the portal');
}
