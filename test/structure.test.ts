/**
 * The structure of the repository, enforced (ARCHITECTURE.md in this repo): which package may import
 * which, no unit imports another unit, no circle between the folders of a package, and a contract
 * that runs in a browser. The import graph is read from the sources with TypeScript's own pre-parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');

/** The layers, bottom up. A package may import only what its entry lists (test code: see below). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // libraries: usable on their own
  hl7v2: [],
  ssmix2: ['hl7v2'],
  dicom: [],
  contract: [],
  'fhir-jp': ['hl7v2', 'ssmix2', 'contract'],
  // sources of small facilities (issue 13): each read exactly and mapped to FHIR JP Core
  orca: ['contract', 'hl7v2', 'fhir-jp'],
  uke: ['contract', 'hl7v2', 'fhir-jp'],
  'okusuri-techo': ['contract', 'hl7v2', 'fhir-jp'],
  // what every unit runs on
  platform: ['contract'],
  // what every disclosing source serves records with (store, access rule, FHIR API, DICOMweb, audit,
  // identity feed): the gateway and the small-facility repository (issue 13); it knows no SS-MIX2 or HL7 v2
  'record-source': ['contract', 'platform', 'fhir-jp', 'dicom'],
  // deployable units: never one another
  gateway: ['contract', 'platform', 'record-source', 'hl7v2', 'ssmix2', 'fhir-jp', 'dicom'],
  // the small-facility repository (issue 13): many facilities' records in one process, fed from their
  // receipt computers, claim files, お薬手帳 data, lab centres and by hand
  repository: [
    'contract',
    'platform',
    'record-source',
    'hl7v2',
    'ssmix2',
    'fhir-jp',
    'orca',
    'uke',
    'okusuri-techo',
  ],
  hub: ['contract', 'platform', 'hl7v2', 'ssmix2', 'fhir-jp'],
  // apps: compose units
  demo: [
    'contract',
    'platform',
    'record-source',
    'gateway',
    'repository',
    'orca',
    'hub',
    'hl7v2',
    'ssmix2',
    'fhir-jp',
    'dicom',
  ],
  cli: [
    'contract',
    'platform',
    'record-source',
    'gateway',
    'repository',
    'hub',
    'hl7v2',
    'ssmix2',
    'fhir-jp',
  ],
  web: ['contract'],
};

interface SourceFile {
  pkg: string;
  /** Path from the package root. */
  path: string;
  test: boolean;
  imports: string[];
}

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const isTestCode = (path: string) =>
  /\.(test|e2e)\.tsx?$/.test(path) ||
  /(^|\/)(testing|test-kit|test-support)(\/|\.ts$)/.test(path) ||
  path.startsWith('e2e/');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function readPackage(pkg: string): SourceFile[] {
  const root = join(PACKAGES, pkg);
  const dirs = ['src', 'e2e'].map((d) => join(root, d)).filter((d) => statExists(d));
  return dirs.flatMap((d) =>
    walk(d).map((file) => {
      const path = relative(root, file);
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      return { pkg, path, test: isTestCode(path), imports: info.importedFiles.map((f) => f.fileName) };
    }),
  );
}

function statExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

const packageOf = (specifier: string): string | null =>
  specifier.startsWith('@hie/') ? (specifier.split('/')[1] ?? null) : null;

const packageNames = readdirSync(PACKAGES).filter((p) => statExists(join(PACKAGES, p, 'package.json')));
const files = packageNames.flatMap(readPackage);
const manifest = (pkg: string) =>
  JSON.parse(readFileSync(join(PACKAGES, pkg, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

/** Every import of another workspace package that breaks the layering, as readable lines. */
function layeringViolations(sources: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of sources) {
    const allowed = ALLOWED[file.pkg];
    for (const specifier of file.imports) {
      const target = packageOf(specifier);
      if (!target || target === file.pkg) continue;
      if (allowed === undefined) {
        problems.push(`${file.pkg} is not a known layer: add it to ALLOWED`);
        continue;
      }
      if (allowed.includes(target)) continue;
      // Tests may run a package above as a real peer (the hub's tests a real gateway, the browser tests
      // the demo network), declared as a devDependency; the code itself never.
      const peerInTests = file.test && `@hie/${target}` in (manifest(file.pkg).devDependencies ?? {});
      if (!peerInTests) problems.push(`packages/${file.pkg}/${file.path} imports @hie/${target}`);
    }
  }
  return problems;
}

/** A package's entry (`src/index.ts`, an app's `src/main.tsx`) composes its folders: it stands above them all. */
const isEntry = (path: string) => /^src\/(index|main)\.tsx?$/.test(path);

/** The folder an import lands in: a folder import (`../i18n`, resolved to its index) lands in that folder. */
function folderOf(pkg: string, from: string, specifier: string): string {
  const target = join(from, specifier);
  return statExists(join(PACKAGES, pkg, target)) && statSync(join(PACKAGES, pkg, target)).isDirectory()
    ? target
    : dirname(target);
}

/** Folders of one package that import each other, directly or round a longer circle. */
function folderCircles(sources: readonly SourceFile[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const file of sources) {
    if (file.test || isEntry(file.path)) continue;
    const from = dirname(file.path);
    for (const specifier of file.imports) {
      if (!specifier.startsWith('.')) continue;
      const to = folderOf(file.pkg, from, specifier);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
  }
  return stronglyConnected(edges).filter((c) => c.length > 1);
}

/** Tarjan's strongly connected components. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0] ?? '');

describe('the structure of the repository', () => {
  it('reads every package', () => {
    expect(packageNames.sort()).toEqual(Object.keys(ALLOWED).sort());
    for (const pkg of packageNames)
      expect(
        files.some((f) => f.pkg === pkg),
        pkg,
      ).toBe(true);
  });

  it('keeps the layers: no unit imports another unit, nothing imports upwards', () => {
    expect(layeringViolations(files)).toEqual([]);
  });

  it('declares every workspace package a package imports (tests: as a devDependency at least)', () => {
    const missing: string[] = [];
    for (const file of files) {
      const { dependencies = {}, devDependencies = {} } = manifest(file.pkg);
      for (const specifier of file.imports) {
        const target = packageOf(specifier);
        if (!target || target === file.pkg) continue;
        const declared =
          `@hie/${target}` in dependencies || (file.test && `@hie/${target}` in devDependencies);
        if (!declared) missing.push(`packages/${file.pkg}/${file.path}: @hie/${target}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('has no circle between the folders of any package', () => {
    const circles = packageNames.flatMap((pkg) =>
      folderCircles(files.filter((f) => f.pkg === pkg)).map((c) => `${pkg}: ${c.join(' ⇄ ')}`),
    );
    expect(circles).toEqual([]);
  });

  it('keeps the contract browser-safe: no Node built-in, nothing but zod', () => {
    const contract = files.filter((f) => f.pkg === 'contract' && !f.test);
    expect(contract.length).toBeGreaterThan(5);
    const bad = contract.flatMap((f) =>
      f.imports
        .filter((s) => !s.startsWith('.') && (isNodeBuiltin(s) || s !== 'zod'))
        .map((s) => `${f.path}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const fake = (pkg: string, path: string, imports: string[]): SourceFile => ({
      pkg,
      path,
      test: isTestCode(path),
      imports,
    });
    expect(layeringViolations([fake('hub', 'src/viewing/x.ts', ['@hie/gateway'])])).toHaveLength(1);
    expect(layeringViolations([fake('hub', 'src/viewing/x.test.ts', ['@hie/gateway'])])).toEqual([]);
    expect(layeringViolations([fake('platform', 'src/store/x.ts', ['@hie/hub'])])).toHaveLength(1);
    expect(layeringViolations([fake('web', 'src/x.tsx', ['@hie/platform'])])).toHaveLength(1);
    // The record source serves any source's records: it imports no unit, and knows no SS-MIX2.
    expect(layeringViolations([fake('record-source', 'src/api/x.ts', ['@hie/gateway'])])).toHaveLength(1);
    expect(layeringViolations([fake('record-source', 'src/api/x.ts', ['@hie/ssmix2'])])).toHaveLength(1);
    expect(
      folderCircles([fake('hub', 'src/a/x.ts', ['../b/y.js']), fake('hub', 'src/b/y.ts', ['../a/x.js'])]),
    ).toEqual([['src/a', 'src/b']]);
    expect(folderCircles([fake('hub', 'src/a/x.ts', ['../b/y.js']), fake('hub', 'src/b/y.ts', [])])).toEqual(
      [],
    );
  });
});
