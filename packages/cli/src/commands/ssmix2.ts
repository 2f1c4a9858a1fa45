import type { Command } from 'commander';
import { registerGenerateCommand } from './ssmix2-generate.js';
import { registerScanCommand } from './ssmix2-scan.js';
import { registerShowCommand } from './ssmix2-show.js';
import { registerValidateCommand } from './ssmix2-validate.js';

/** `hie ssmix2 …`: storage validation and scanning; generation lives in its own file. */
export function registerSsmix2Commands(program: Command): void {
  const ssmix2 = program.command('ssmix2').description('SS-MIX2 storage: validate, scan, show, generate');
  registerValidateCommand(ssmix2);
  registerScanCommand(ssmix2);
  registerShowCommand(ssmix2);
  registerGenerateCommand(ssmix2);
}
