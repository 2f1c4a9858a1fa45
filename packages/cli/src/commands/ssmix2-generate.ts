import type { Command } from 'commander';

/** `hie ssmix2 generate …`: owned by the synthetic-data work. */
export function registerGenerateCommand(_ssmix2: Command): void {}
