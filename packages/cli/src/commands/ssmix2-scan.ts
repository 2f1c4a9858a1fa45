import { type ScanItem, type StorageChange, scanChanges, scanStorage } from '@hie/ssmix2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { storageRoots } from './ssmix2-args.js';

interface ScanFlags {
  since?: string;
  save?: string;
  json?: boolean;
}

const MARK = { added: '+', changed: '~', removed: '-' } as const;

/**
 * `hie ssmix2 scan DIR… [--since CHECKPOINT] [--save CHECKPOINT] [--json]`: lists the files of a
 * storage (path, size, mtime, name check), or with --since only what changed since a checkpoint.
 */
export function registerScanCommand(ssmix2: Command): void {
  ssmix2
    .command('scan')
    .description(
      'List the files of a storage, or (with --since) the files added, changed or removed since a checkpoint',
    )
    .argument('<dir...>', 'storage root(s)')
    .option(
      '--since <checkpoint>',
      'report only changes since this checkpoint (+ added, ~ changed, - removed)',
    )
    .option('--save <checkpoint>', 'save a checkpoint of this scan (.gz = compressed)')
    .option('--json', 'one JSON object per line')
    .action(async (dirs: string[], flags: ScanFlags) => {
      const roots = storageRoots(dirs);
      const progress = startProgress('scan');
      const out = new LineWriter();
      let problems = 0;
      if (flags.since || flags.save) {
        for await (const c of scanChanges(roots, { since: flags.since, save: flags.save })) {
          progress.increment();
          await out.line(
            flags.json ? JSON.stringify(changeJson(c)) : changeLine(c, flags.since !== undefined),
          );
        }
      } else {
        for await (const item of scanStorage(roots)) {
          progress.increment();
          if (item.kind !== 'file') problems++;
          await out.line(flags.json ? JSON.stringify(itemJson(item)) : itemLine(item));
        }
      }
      await out.flush();
      progress.stop();
      process.exitCode = problems > 0 ? EXIT.findings : EXIT.ok;
    });
}

function changeJson(c: StorageChange) {
  return { change: c.kind, root: c.root, relPath: c.relPath, size: c.size, mtimeMs: c.mtimeMs, name: c.name };
}

function changeLine(c: StorageChange, asChange: boolean): string {
  const path = `${c.root}/${c.relPath}`;
  if (!asChange) return `${path}\t${c.size}\t${new Date(c.mtimeMs ?? 0).toISOString()}`;
  return `${MARK[c.kind]} ${path}`;
}

function itemJson(item: ScanItem) {
  if (item.kind !== 'file') return item;
  const { kind, root, relPath, size, mtimeMs, name } = item;
  return { kind, root, relPath, size, mtimeMs, name };
}

function itemLine(item: ScanItem): string {
  if (item.kind === 'moved') return `moved\t${item.path}`;
  if (item.kind === 'problem') return `${item.code}\t${item.path}\t${item.message}`;
  const name = item.name.ok ? 'ok' : `bad name (${item.name.reason})`;
  return `${item.path}\t${item.size}\t${new Date(item.mtimeMs).toISOString()}\t${name}`;
}

/** Buffered stdout that waits when the pipe is full (millions of lines). */
class LineWriter {
  private buffer: string[] = [];
  async line(s: string): Promise<void> {
    this.buffer.push(s);
    if (this.buffer.length >= 512) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    if (!process.stdout.write(chunk)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  }
}
