import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

export interface StorageWatcherOptions {
  /** Directories watched at most (inotify watches are a per-user budget); beyond it the rescan catches up. */
  maxDirectories?: number;
  /**
   * Care-date folders older than this many days are not watched at start (new records land in
   * recent dates and in `-`; a late change to an old date waits for the rescan). Default 7.
   */
  recentDays?: number;
  /** Today, for the recent-days rule (tests). */
  now?: () => Date;
  /** Events are gathered this long before the paths are reported. */
  debounceMs?: number;
}

/**
 * Follows storage roots with one inotify watch per directory (Node 20's recursive fs.watch on
 * Linux walks the tree synchronously and polls files, far too heavy for a storage). Watched: the
 * patient levels, each patient's `-` folder and its recent care dates — where new records land —
 * so a storage of millions of files needs only a few watches per patient. A new directory is
 * watched and listed at once, so files written into it before its watch existed are reported too.
 * Dot-names (writer temp files, `.hie/`) are ignored. The periodic rescan remains the safety net
 * for anything else (old dates, a spent watch budget, events lost under load).
 */
export class StorageWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly roots: readonly string[],
    private readonly onPaths: (paths: string[]) => void,
    private readonly options: StorageWatcherOptions = {},
  ) {}

  get watchedDirectories(): number {
    return this.watchers.size;
  }

  /** Installs the watches, yielding to the event loop now and then. */
  async start(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    const cutoff = new Date(now.getTime() - (this.options.recentDays ?? 7) * 86_400_000);
    this.cutoff = cutoff.toISOString().slice(0, 10).replaceAll('-', '');
    for (const root of this.roots) await this.watchTree(root, false, 0);
  }

  private cutoff = '';

  /** At start, a care-date folder (depth 4: root/p[0..3)/p[3..6)/patient/date) is watched when recent. */
  private wanted(name: string, depth: number): boolean {
    if (depth !== 4) return true;
    return name === '-' || !/^\d{8}$/.test(name) || name >= this.cutoff;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private async watchTree(dir: string, reportFiles: boolean, depth: number): Promise<void> {
    const stack: [string, number][] = [[dir, depth]];
    let lastBreath = Date.now();
    while (stack.length > 0 && !this.closed) {
      const [d, level] = stack.pop()!;
      if (!this.watchDir(d)) return;
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        // Directories that appear later are always watched: something is being written there now.
        if (e.isDirectory() && (reportFiles || this.wanted(e.name, level + 1)))
          stack.push([join(d, e.name), level + 1]);
        else if (reportFiles) this.report(join(d, e.name));
      }
      if (Date.now() - lastBreath > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        lastBreath = Date.now();
      }
    }
  }

  private watchDir(dir: string): boolean {
    if (this.watchers.has(dir)) return true;
    if (this.watchers.size >= (this.options.maxDirectories ?? 100_000)) return false;
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (typeof name === 'string' && !name.startsWith('.')) this.changed(join(dir, name));
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
      return true;
    } catch {
      // ENOSPC (watch budget spent) or the folder vanished: the rescan covers it.
      return false;
    }
  }

  private changed(path: string): void {
    if (this.closed) return;
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // Gone (renamed away): reported, so the ingest drops it.
    }
    if (isDir) void this.watchTree(path, true, 0);
    else this.report(path);
  }

  private report(path: string): void {
    this.pending.add(path);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const paths = [...this.pending];
      this.pending = new Set();
      if (!this.closed && paths.length > 0) this.onPaths(paths);
    }, this.options.debounceMs ?? 30);
  }
}
