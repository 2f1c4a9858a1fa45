import { readFile } from 'node:fs/promises';
import {
  fieldInfo,
  formatHl7Error,
  type Hl7FieldValue,
  type Hl7Message,
  type Hl7Path,
  parseHl7,
  parseHl7Path,
  readSegmentValue,
} from '@hie/hl7v2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';

/** `hie hl7 …`: read HL7 v2 messages (JAHIS / SS-MIX2). */
export function registerHl7Commands(program: Command): void {
  const hl7 = program
    .command('hl7')
    .description('Read HL7 v2 messages (JAHIS / SS-MIX2): ISO-2022-JP, Shift_JIS, UTF-8');

  hl7
    .command('get')
    .description(
      'Print the decoded value at each HL7 path, one per line (empty line when absent). Paths: PID-5[2].1 ' +
        '(field 5, 2nd repetition, 1st component), OBX[3]-5 (3rd OBX), TQ1-3.1.2 (sub-component). ' +
        'Line breaks inside a value are printed as \\n.',
    )
    .argument('<file>', 'message file (bytes; charset from MSH-18)')
    .argument('<paths...>', 'HL7 paths')
    .option('--json', 'print one JSON object {path: value|null}')
    .action(async (file: string, paths: string[], options: { json?: boolean }) => {
      const parsedPaths: Hl7Path[] = paths.map((p) => {
        const r = parseHl7Path(p);
        if (!r.ok) throw new UsageError(r.reason);
        return r.path;
      });
      const message = await load(file);
      if (!message) return;
      const values = parsedPaths.map((p) => message.get(p));
      if (options.json) {
        const out: Record<string, string | null> = {};
        paths.forEach((p, i) => {
          out[p] = values[i] ?? null;
        });
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        process.stdout.write(`${values.map((v) => oneLine(v ?? '')).join('\n')}\n`);
      }
    });

  hl7
    .command('show')
    .description(
      'Print the message as a tree: segments, numbered fields with their SS-MIX2 names, repetitions, components',
    )
    .argument('<file>', 'message file')
    .option('--json', 'print the same tree as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const message = await load(file);
      if (!message) return;
      const tree = messageTree(message);
      process.stdout.write(
        options.json ? `${JSON.stringify({ file, ...tree }, null, 2)}\n` : renderTree(file, tree),
      );
    });
}

/** Reads and parses a file; on failure prints the error with its location and sets exit code 1. */
async function load(file: string): Promise<Hl7Message | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    process.stderr.write(`hie hl7: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.findings;
    return undefined;
  }
  const r = parseHl7(bytes);
  if (!r.ok) {
    process.stderr.write(`hie hl7: ${file}: ${formatHl7Error(r.error)}\n`);
    process.exitCode = EXIT.findings;
    return undefined;
  }
  for (const w of r.warnings) process.stderr.write(`hie hl7: ${file}: warning ${w.code}: ${w.message}\n`);
  return r.message;
}

/** Keeps one value per line: line breaks inside a value (from \.br\ or \X0D\) print as \n and \r. */
function oneLine(s: string): string {
  return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

interface FieldNode {
  field: number;
  name?: string;
  jaName?: string;
  type?: string;
  /** Decoded value in encodeHl7Message's shape: a string, or repetitions → components → sub-components. */
  value: Hl7FieldValue;
}
interface SegmentNode {
  name: string;
  line: number;
  fields: FieldNode[];
}
interface MessageTree {
  charset: string;
  messageType: { code: string; event: string; structure: string };
  controlId: string;
  segments: SegmentNode[];
}

function isEmpty(v: Hl7FieldValue | readonly unknown[]): boolean {
  return typeof v === 'string' ? v === '' : v.every((x) => isEmpty(x as Hl7FieldValue));
}

function messageTree(message: Hl7Message): MessageTree {
  return {
    charset: message.charset,
    messageType: message.messageType,
    controlId: message.controlId,
    segments: message.segments.map((segment) => {
      const { fields } = readSegmentValue(segment, message.delimiters);
      const nodes: FieldNode[] = [];
      fields.forEach((value, i) => {
        if (isEmpty(value)) return;
        const info = fieldInfo(segment.name, i + 1);
        nodes.push({
          field: i + 1,
          ...(info && { name: info.name, jaName: info.jaName, type: info.type }),
          value,
        });
      });
      return { name: segment.name, line: segment.line, fields: nodes };
    }),
  };
}

function renderTree(file: string, tree: MessageTree): string {
  const t = tree.messageType;
  const lines = [
    `${file}: ${[t.code, t.event, t.structure].filter(Boolean).join('^')} ${tree.controlId} (${tree.charset})`,
  ];
  for (const seg of tree.segments) {
    lines.push(`${seg.name}  (line ${seg.line})`);
    for (const f of seg.fields) {
      const label = `  ${seg.name}-${f.field}${f.name ? ` ${f.name}` : ''}${f.jaName ? ` ${f.jaName}` : ''}${f.type ? ` [${f.type}]` : ''}`;
      if (typeof f.value === 'string') {
        lines.push(`${label}: ${oneLine(f.value)}`);
        continue;
      }
      lines.push(label);
      const reps = f.value;
      reps.forEach((rep, r) => {
        const prefix = reps.length > 1 ? `    [${r + 1}]` : '   ';
        if (typeof rep === 'string') {
          lines.push(`${prefix} ${oneLine(rep)}`);
          return;
        }
        rep.forEach((comp, c) => {
          if (typeof comp === 'string') {
            if (comp !== '') lines.push(`${prefix} .${c + 1} ${oneLine(comp)}`);
          } else {
            comp.forEach((sub, s) => {
              if (sub !== '') lines.push(`${prefix} .${c + 1}.${s + 1} ${oneLine(sub)}`);
            });
          }
        });
      });
    }
  }
  return `${lines.join('\n')}\n`;
}
