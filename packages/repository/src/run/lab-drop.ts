import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, parse } from 'node:path';
import { type AuditWhere, type IntakeContext, intakeAudit } from '../api/intake-context.js';
import { IntakeError } from '../api/intake-errors.js';
import { receiveLabCsv, receiveLabMessage } from '../api/lab-routes.js';
import { liveSender, type Sender } from '../tenants/senders.js';

export interface LabDropOptions {
  /** The folder the lab centre (or its courier software) writes into. */
  dir: string;
  /** The lab centre sender every file here is from: the folder's permissions vouch for it. */
  sender: string;
  /** A key of LAB_CSV_LAYOUTS, for `*.csv` files; without it CSV files are refused. */
  csvLayout?: string;
  /** How often the folder is looked at (a file is taken once its size held still between two looks). */
  intervalMs: number;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface LabDrop {
  /** Looks at the folder now (tests; the timer does it every intervalMs). */
  scan(): Promise<void>;
  /** Stops looking, after the file in hand. */
  stop(): Promise<void>;
}

const HL7 = new Set(['.hl7', '.txt']);
/** As the MLLP frame limit: a lab result is never near it; a bigger file is not one. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * A drop folder for a lab centre: each new `*.hl7` / `*.txt` (one HL7 v2 message) or `*.csv` (the
 * configured layout) is taken once its size held still since the last look (the writer is done), goes
 * the HTTPS path (receiveLabMessage / receiveLabCsv: checks, write, audit as `drop folder <dir>`), then
 * moves to `done/` (imported, or already imported) or to `error/` with `<name>.error.json` beside it (the
 * code and every issue). A file fixed and put back is new again. One bad file never holds the others.
 */
export async function startLabDrop(ctx: IntakeContext, options: LabDropOptions): Promise<LabDrop> {
  const { dir } = options;
  // The folder must be there: creating it here would give it our permissions, not the operator's.
  if (!(await stat(dir)).isDirectory()) throw new Error(`labDrop: ${dir} is not a folder`);
  await mkdir(join(dir, 'done'), { recursive: true });
  await mkdir(join(dir, 'error'), { recursive: true });
  const where: AuditWhere = { request: `drop folder ${dir}` };
  /** Size and mtime of each candidate at the last look. */
  let seen = new Map<string, string>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const scanOnce = async () => {
    if (stopped) return;
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && kindOf(e.name) !== undefined)
      .map((e) => e.name)
      .sort();
    const now = new Map<string, string>();
    const ready: string[] = [];
    for (const name of names) {
      const s = await stat(join(dir, name)).catch(() => undefined);
      if (!s) continue;
      const mark = `${s.size}:${s.mtimeMs}`;
      if (seen.get(name) === mark) ready.push(name);
      now.set(name, mark);
    }
    // Files gone are forgotten, and so is each file taken (below): one put back is looked at afresh.
    seen = now;
    if (ready.length === 0) return;
    const sender = await liveSender(ctx.base, options.sender);
    if (sender?.kind !== 'lab-centre' || !sender.facilityCode) {
      // The operator's configuration, not the files, is wrong: they wait for it to be fixed.
      options.log?.warn({ dir, sender: options.sender }, 'labDrop: no such lab centre sender: files left');
      return;
    }
    for (const name of ready) {
      if (stopped) return;
      seen.delete(name);
      await take(name, sender);
    }
  };

  /** One file: read, handled, moved. Whatever goes wrong with it stays with it. */
  const take = async (name: string, sender: Sender) => {
    const path = join(dir, name);
    const kind = kindOf(name);
    // receiveLabMessage / receiveLabCsv audit what they refuse; what fails before them is audited here.
    let audited = false;
    try {
      const bytes = await readFile(path);
      if (bytes.length > MAX_BYTES)
        throw new IntakeError('bad-request', `the file is larger than ${MAX_BYTES} bytes`);
      audited = true;
      if (kind === 'hl7') await receiveLabMessage(ctx, sender, bytes, where);
      else await receiveLabCsv(ctx, sender, bytes, name, options.csvLayout, where);
      await rename(path, await freeName(join(dir, 'done'), name));
      // An earlier failure's report is stale once the file went through.
      await rm(join(dir, 'error', `${name}.error.json`), { force: true });
      options.log?.info({ dir, file: name }, 'labDrop: imported');
    } catch (e) {
      const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
      options.log?.warn({ dir, file: name, code: error.code }, 'labDrop: refused');
      if (!audited)
        await ctx.audit
          .append(
            intakeAudit(where, {
              tenant: undefined,
              sender,
              kind: kind === 'hl7' ? 'lab' : 'lab-csv',
              name,
              error,
            }),
          )
          .catch(() => undefined);
      try {
        await rename(path, join(dir, 'error', name));
        await writeFile(join(dir, 'error', `${name}.error.json`), errorReport(name, error));
      } catch (moveError) {
        options.log?.warn({ dir, file: name, err: moveError }, 'labDrop: could not move to error/');
      }
    }
  };

  const look = () => {
    running = running
      .then(scanOnce)
      .catch((e: unknown) => options.log?.warn({ dir, err: e }, 'labDrop: could not read the folder'));
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void look().then(schedule), options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    scan: look,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function kindOf(name: string): 'hl7' | 'csv' | undefined {
  const ext = extname(name).toLowerCase();
  return HL7.has(ext) ? 'hl7' : ext === '.csv' ? 'csv' : undefined;
}

/** `done/<name>`, or `<stem>.<n><ext>` when a file of that name is there already (names get reused). */
async function freeName(folder: string, name: string): Promise<string> {
  const { name: stem, ext } = parse(name);
  for (let n = 0; ; n++) {
    const candidate = join(folder, n === 0 ? name : `${stem}.${n}${ext}`);
    if (!(await stat(candidate).catch(() => undefined))) return candidate;
  }
}

/** What the operator (or the lab centre) reads to fix the file: the code and every issue. */
function errorReport(name: string, error: IntakeError): string {
  const body = {
    file: name,
    code: error.code,
    status: error.status,
    message: error.message,
    // The HL7 reader names its issues after the message, not the file: here every issue is this file's.
    issues: error.issues.map((i) => ({ ...i, file: name })),
    at: new Date().toISOString(),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
