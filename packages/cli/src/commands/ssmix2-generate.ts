import {
  DEFAULT_END_DATE,
  EXTENDED_DATA_TYPES,
  GenerateOptionsError,
  type GenerateSummary,
  generateStorage,
} from '@hie/ssmix2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

interface GenerateFlags {
  patients: string;
  facility: string;
  years: string;
  seed: string;
  truth?: string;
  endDate?: string;
  extended?: string;
}

function parseNumber(name: string, value: string, pattern: RegExp, what: string): number {
  if (!pattern.test(value)) throw new UsageError(`${name} expects ${what}, got '${value}'`);
  return Number(value);
}

/**
 * `hie ssmix2 generate --patients N --facility CODE --years Y --seed S [--truth FILE]
 * [--end-date YYYYMMDD] [--extended DIR] OUT`: a realistic synthetic standardized storage (and, with
 * --extended, an extended storage of CDA + PDF documents), deterministic for a seed.
 */
export function registerGenerateCommand(ssmix2: Command): void {
  ssmix2
    .command('generate')
    .description(
      'Generate a realistic synthetic SS-MIX2 standardized storage for one facility (ISO-2022-JP, ' +
        'deterministic for a seed). Run it again with another --facility and the same --seed to get the ' +
        'same people at another facility, with their own IDs and demographic variations; the ground truth ' +
        'of who is who goes to --truth (default OUT/.hie/ground-truth.csv).',
    )
    .argument('<out>', 'storage root to write into')
    .requiredOption('--patients <n>', 'patients of this facility')
    .requiredOption('--facility <code>', '10-digit medical institution code, e.g. 3310210012')
    .option('--years <y>', 'years of care to simulate, ending at --end-date', '5')
    .option('--seed <s>', 'seed of the population and of everything else', '1')
    .option('--truth <file>', 'ground-truth CSV (rows of other facilities already in it are kept)')
    .option('--end-date <yyyymmdd>', `last simulated day (default ${DEFAULT_END_DATE})`)
    .option(
      '--extended <dir>',
      'also write an extended storage (拡張ストレージ) there: discharge summaries, referral letters and ' +
        'imaging reports as CDA R2 + PDF content folders',
    )
    .action(async (out: string, flags: GenerateFlags) => {
      const patients = parseNumber('--patients', flags.patients, /^\d+$/, 'a whole number');
      const years = parseNumber('--years', flags.years, /^\d+(\.\d+)?$/, 'a number of years');
      const seed = parseNumber('--seed', flags.seed, /^-?\d+$/, 'an integer');
      const progress = startProgress('generate', patients);
      const started = performance.now();
      let summary: GenerateSummary;
      try {
        summary = await generateStorage({
          patients,
          facilityCode: flags.facility,
          years,
          seed,
          out,
          truthFile: flags.truth,
          endDate: flags.endDate,
          extendedOut: flags.extended,
          onPatient: () => progress.increment(),
        });
      } catch (e) {
        if (e instanceof GenerateOptionsError) throw new UsageError(e.message);
        throw e;
      } finally {
        progress.stop();
      }
      process.stdout.write(formatSummary(summary, out, (performance.now() - started) / 1000));
      process.exitCode = EXIT.ok;
    });
}

export function formatSummary(s: GenerateSummary, out: string, seconds: number): string {
  const lines = [
    `Generated ${s.files} files for ${s.patients} patients in ${out} (${seconds.toFixed(1)} s)`,
    '',
    `${'data type'.padEnd(10)} ${'files'.padStart(8)}`,
  ];
  for (const [type, n] of Object.entries(s.byDataType))
    lines.push(`${type.padEnd(10)} ${String(n).padStart(8)}`);
  if (s.extended) {
    // The folder's local name (`NSUM^看護サマリ^99ZL01^34745-0^…`) says what each kind is.
    const names: Record<string, string> = Object.fromEntries(
      Object.entries(EXTENDED_DATA_TYPES).map(([kind, folder]) => [kind, folder.split('^')[1] ?? '']),
    );
    lines.push(
      '',
      `extended storage: ${s.extended.folders} documents (${s.extended.files} files) in ${s.extended.root}`,
    );
    for (const [kind, n] of Object.entries(s.extended.byDataType))
      lines.push(`${kind.padEnd(10)} ${String(n).padStart(8)}  ${names[kind] ?? ''}`.trimEnd());
  }
  lines.push('', `ground truth: ${s.truthFile}`, '');
  return lines.join('\n');
}
