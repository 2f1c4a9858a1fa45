import { type Finding, type ValidationReport, validateStorage } from '@hie/ssmix2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { countOption, storageRoots } from './ssmix2-args.js';

interface ValidateFlags {
  json?: boolean;
  workers?: number;
  maxFindings?: number;
}

/** `hie ssmix2 validate DIR… [--json]`: exit 1 when any file has an error, 0 otherwise. */
export function registerValidateCommand(ssmix2: Command): void {
  ssmix2
    .command('validate')
    .description(
      'Check standardized storage: layout, names, encoding, MSH-9 against the folder, care date, ' +
        'segment order, required fields, condition flags. Exit 1 when there are errors.',
    )
    .argument('<dir...>', 'storage root(s)')
    .option('--json', 'print the report as one JSON object')
    .option(
      '--workers <n>',
      'worker threads reading and checking files (0 = none)',
      countOption('--workers'),
      2,
    )
    .option('--max-findings <n>', 'findings to list (all are counted)', countOption('--max-findings'), 10_000)
    .action(async (dirs: string[], flags: ValidateFlags) => {
      const roots = storageRoots(dirs);
      const progress = startProgress('validate');
      const report = await validateStorage(roots, {
        workers: flags.workers,
        maxFindings: flags.maxFindings,
        onItem: () => progress.increment(),
      });
      progress.stop();
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      const failed = report.summary.error > 0 || report.summary.unreadable > 0;
      process.exitCode = failed ? EXIT.findings : EXIT.ok;
    });
}

export function formatReport(report: ValidationReport): string {
  const s = report.summary;
  const lines: string[] = [];
  lines.push(
    `SS-MIX2 validation of ${report.roots.join(', ')}`,
    `${s.files} files: ${s.ok} ok, ${s.warning} with warnings, ${s.error} with errors` +
      (s.moved ? `, ${s.moved} moved while scanning` : '') +
      (s.unreadable ? `, ${s.unreadable} unreadable` : ''),
    '',
  );
  const types = Object.entries(s.byDataType).sort(([a], [b]) => (a < b ? -1 : 1));
  if (types.length > 0) {
    lines.push(row(['data type', 'files', 'ok', 'warning', 'error']));
    for (const [type, c] of types) lines.push(row([type, c.files, c.ok, c.warning, c.error]));
    lines.push('');
  }
  const codes = Object.entries(s.byCode).sort(([, a], [, b]) =>
    a!.severity !== b!.severity ? (a!.severity === 'error' ? -1 : 1) : b!.findings - a!.findings,
  );
  if (codes.length > 0) {
    lines.push(row(['problem', 'severity', 'findings', 'files']));
    for (const [code, c] of codes) lines.push(row([code, c!.severity, c!.findings, c!.files]));
    lines.push('');
  }
  if (report.findings.length > 0) {
    lines.push('findings (file, line, segment, field, reason):');
    for (const f of report.findings) lines.push(formatFinding(f));
    if (report.truncated) lines.push(`… more findings not listed (see the counts above; --max-findings)`);
  }
  return `${lines.join('\n')}\n`;
}

function formatFinding(f: Finding): string {
  const where = [
    f.line !== undefined ? `line ${f.line}` : '',
    f.segment ? `${f.segment}${f.segmentIndex ? `#${f.segmentIndex}` : ''}` : '',
    f.field ?? '',
  ].filter((x) => x !== '');
  const code = f.reason ? `${f.code}(${f.reason})` : f.code;
  return `${f.severity.padEnd(7)} ${f.file}${where.length ? ` [${where.join(', ')}]` : ''} ${code}: ${f.message}`;
}

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(28) : String(c).padStart(9))).join(' ');
}
