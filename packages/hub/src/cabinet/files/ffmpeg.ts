import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * ffmpeg and ffprobe (Debian's, on the PATH) as child processes: a hostile file is decoded outside the
 * hub's process, with a time limit and a lower CPU priority, and can be killed.
 */

export interface RunResult {
  code: number | null;
  stdout: string;
  /** The end of stderr (what ffmpeg says last is why it stopped). */
  stderr: string;
}

export class ToolMissing extends Error {
  constructor(tool: string) {
    super(`${tool} is not installed (apt-get install ffmpeg)`);
    this.name = 'ToolMissing';
  }
}

/** Children to stop together (a processor's, when the hub closes: their work is redone at the next start). */
export class ToolChildren {
  private readonly children = new Set<ChildProcess>();
  add(child: ChildProcess): void {
    this.children.add(child);
    child.once('close', () => this.children.delete(child));
  }
  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

const KEEP_STDERR = 4096;
const MAX_STDOUT = 1024 * 1024;

export function runTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  timeoutMs: number,
  children?: ToolChildren,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children?.add(child);
    let stdout = '';
    let stderr = '';
    let settled = false;
    if (child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not allowed here: it runs at the hub's priority.
      }
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_STDOUT) stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-KEEP_STDERR);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(error.code === 'ENOENT' ? new ToolMissing(tool) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Probe {
  /** The first video stream's size as shown (after its rotation). */
  width: number | null;
  height: number | null;
  durationMs: number | null;
  video: boolean;
  audio: boolean;
  codec: string | null;
}

interface ProbeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    tags?: { rotate?: string };
    side_data_list?: { rotation?: number }[];
    disposition?: { attached_pic?: number };
  }[];
  format?: { duration?: string };
}

/** A local file as an ffmpeg input or output (never a URL or another protocol). */
export const fileUrl = (path: string) => `file:${path}`;

/** Input options: this demuxer only (no guessing from the content) and local files only. */
export const inputArgs = (format: string, path: string) => [
  '-protocol_whitelist',
  'file',
  '-f',
  format,
  '-i',
  fileUrl(path),
];

/** What ffprobe reads of a file with this demuxer; null when it cannot read it at all. */
export async function probe(
  path: string,
  format: string,
  children?: ToolChildren,
  timeoutMs = 60_000,
): Promise<Probe | null> {
  const result = await runTool(
    'ffprobe',
    [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      '-protocol_whitelist',
      'file',
      '-f',
      format,
      fileUrl(path),
    ],
    timeoutMs,
    children,
  );
  if (result.code !== 0) return null;
  let json: ProbeJson;
  try {
    json = JSON.parse(result.stdout) as ProbeJson;
  } catch {
    return null;
  }
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const rotation = Math.abs(
    Number(
      video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video?.tags?.rotate ?? 0,
    ),
  );
  const turned = rotation % 180 === 90;
  const width = video?.width ?? null;
  const height = video?.height ?? null;
  const seconds = Number(json.format?.duration);
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : null,
    video: video !== undefined,
    audio: streams.some((s) => s.codec_type === 'audio'),
    codec: video?.codec_name ?? null,
  };
}
