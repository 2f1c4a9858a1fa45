import { statSync } from 'node:fs';
import { UsageError } from '../usage-error.js';

/** Storage roots named on the command line: each must be an existing folder (else exit 2). */
export function storageRoots(dirs: readonly string[]): string[] {
  for (const dir of dirs) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new UsageError(`${dir}: no such folder`);
    }
    if (!isDir) throw new UsageError(`${dir}: not a folder`);
  }
  return [...dirs];
}

/** A non-negative integer option. */
export function countOption(name: string): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value)) throw new UsageError(`${name} expects a whole number, got '${value}'`);
    return Number(value);
  };
}
