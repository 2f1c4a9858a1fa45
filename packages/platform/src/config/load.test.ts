import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load.js';

const schema = z.object({
  db: z.string().default('sqlite:hie.db'),
  port: z.coerce.number().int().min(1).max(65535).default(8080),
  facility: z.object({ institutionCode: z.string().regex(/^\d{10}$/, '10 digits expected') }),
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hie-config-'));

  it('merges file, environment and command line, in that order of precedence', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ port: 1000, facility: { institutionCode: '3319800011' } }));
    const config = loadConfig(schema, {
      file,
      env: { HIE_PORT: '2000', HIE_DB: 'postgres://x/y' },
      envKeys: { HIE_PORT: 'port', HIE_DB: 'db' },
      overrides: { port: 3000 },
    });
    expect(config).toEqual({ db: 'postgres://x/y', port: 3000, facility: { institutionCode: '3319800011' } });
  });

  it('names every bad key and the source', () => {
    const file = join(dir, 'b.json');
    writeFileSync(file, JSON.stringify({ port: 'abc', facility: { institutionCode: '33' } }));
    try {
      loadConfig(schema, { file, env: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as Error).message;
      expect(message).toContain(file);
      expect(message).toContain('port:');
      expect(message).toContain('facility.institutionCode: 10 digits expected');
    }
  });

  it('reports a file that is not JSON', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, '{ nope');
    expect(() => loadConfig(schema, { file })).toThrow(/not valid JSON/);
  });
});
