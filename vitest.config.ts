import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/** Every workspace package from its source (tests need no build), and the units' test support. */
const PACKAGES = [
  'hl7v2',
  'ssmix2',
  'dicom',
  'contract',
  'fhir-jp',
  'orca',
  'uke',
  'okusuri-techo',
  'platform',
  'record-source',
  'gateway',
  'repository',
  'hub',
  'demo',
];
const WITH_TEST_SUPPORT = [
  'platform',
  'uke',
  'okusuri-techo',
  'record-source',
  'gateway',
  'repository',
  'hub',
];
/** Light entries besides the index: `@hie/<package>/<name>` → its source file. */
const SUBPATHS: Readonly<Record<string, string>> = {
  'record-source/patient-row': 'record-source/src/projection/patient-row.ts',
};

export default defineConfig({
  resolve: {
    alias: [
      ...WITH_TEST_SUPPORT.map((name) => ({
        find: new RegExp(`^@hie/${name}/testing$`),
        replacement: src(`${name}/src/testing.ts`),
      })),
      ...Object.entries(SUBPATHS).map(([name, path]) => ({
        find: new RegExp(`^@hie/${name}$`),
        replacement: src(path),
      })),
      ...PACKAGES.map((name) => ({
        find: new RegExp(`^@hie/${name}$`),
        replacement: src(`${name}/src/index.ts`),
      })),
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
