import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';

/** A configuration that cannot be used, with every problem named by its key. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source: string,
  ) {
    super(`invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** A JSON file; relative paths inside it stay as written (resolve them against `baseDir`). */
  file?: string;
  /** Environment variables to read, e.g. `{ HIE_DB: 'db', HIE_PORT: 'port' }` (dotted keys allowed). */
  envKeys?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Values given on the command line: they win over the environment, which wins over the file. */
  overrides?: Record<string, unknown>;
}

/**
 * The one config loader: file, then environment, then command line, validated by a zod schema, with a
 * message that names each bad key and where the configuration came from.
 */
export function loadConfig<S extends z.ZodType>(schema: S, options: LoadConfigOptions = {}): z.infer<S> {
  const sources: string[] = [];
  let merged: Record<string, unknown> = {};
  if (options.file) {
    const path = resolve(options.file);
    sources.push(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError([`cannot read the file: ${(e as Error).message}`], path);
    }
    try {
      merged = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError([`not valid JSON: ${(e as Error).message}`], path);
    }
  }
  const env = options.env ?? process.env;
  for (const [name, key] of Object.entries(options.envKeys ?? {})) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      setPath(merged, key, value);
      sources.push(`$${name}`);
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(merged, key, value);
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(problems, sources.join(', ') || 'defaults and command line');
  }
  return result.data;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}
