import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { checkFile, DATA_TYPES, parseFileName } from '@hie/ssmix2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';

/** `hie ssmix2 show FILE [--json]`: one stored file: its name's fields, data type and findings. */
export function registerShowCommand(ssmix2: Command): void {
  ssmix2
    .command('show')
    .description(
      'Show one storage file: the fields of its name, its data type, its message type and findings',
    )
    .argument('<file>', 'a file in standardized storage')
    .option('--json', 'print as JSON')
    .action((file: string, flags: { json?: boolean }) => {
      let bytes: Uint8Array;
      try {
        if (!statSync(file).isFile()) throw new UsageError(`${file}: not a file`);
        bytes = readFileSync(file);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      // The five folders above the file are the data type, care date and patient levels.
      const folders = dirname(resolve(file)).split(sep).slice(-5);
      const fileName = basename(file);
      const name = parseFileName(fileName);
      const check = checkFile({ relPath: [...folders, fileName].join('/'), folders, fileName, bytes, name });
      const type = DATA_TYPES.find((d) => d.code === folders[folders.length - 1]);
      const result = {
        file,
        name: name.ok ? name.value : { error: name.reason, message: name.message },
        dataType: type ? { code: type.code, nameJa: type.nameJa, nameEn: type.nameEn } : undefined,
        messageType: check.messageType,
        charset: check.charset,
        status: check.status,
        findings: check.findings,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatShow(result));
      process.exitCode = check.status === 'error' ? EXIT.findings : EXIT.ok;
    });
}

function formatShow(r: {
  file: string;
  name: object;
  dataType?: { code: string; nameJa: string; nameEn: string };
  messageType?: string;
  charset?: string;
  status: string;
  findings: { severity: string; code: string; field?: string; message: string }[];
}): string {
  const lines = [r.file];
  for (const [k, v] of Object.entries(r.name)) lines.push(`  ${k.padEnd(12)} ${v}`);
  if (r.dataType) lines.push(`  data type    ${r.dataType.code} ${r.dataType.nameJa} (${r.dataType.nameEn})`);
  if (r.messageType) lines.push(`  message      ${r.messageType} in ${r.charset}`);
  lines.push(`  status       ${r.status}`);
  for (const f of r.findings)
    lines.push(`  ${f.severity.padEnd(7)} ${f.code}${f.field ? ` ${f.field}` : ''}: ${f.message}`);
  return `${lines.join('\n')}\n`;
}
