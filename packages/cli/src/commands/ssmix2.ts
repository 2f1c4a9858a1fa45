import type { Command } from 'commander';
import { registerGenerateCommand } from './ssmix2-generate.js';

/** `hie ssmix2 …`: storage validation and scanning; generation lives in its own file. */
export function registerSsmix2Commands(program: Command): void {
  const ssmix2 = program.command('ssmix2').description('SS-MIX2 storage: validate, scan, generate');
  registerGenerateCommand(ssmix2);
}
