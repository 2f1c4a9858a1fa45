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
  'gateway',
  'hub',
  'demo',
];
const WITH_TEST_SUPPORT = ['platform', 'gateway', 'hub'];

export default defineConfig({
  resolve: {
    alias: [
      ...WITH_TEST_SUPPORT.map((name) => ({
        find: new RegExp(`^@hie/${name}/testing$`),
        replacement: src(`${name}/src/testing.ts`),
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
