import type { Command } from 'commander';

/** `hie hl7 …`: owned by the hl7v2 work. */
export function registerHl7Commands(program: Command): void {
  program.command('hl7').description('Read HL7 v2 messages (JAHIS / SS-MIX2)');
}
