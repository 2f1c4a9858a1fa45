/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Everything went well. */
  ok: 0,
  /** The command ran, and found errors in the data (or the data could not be read). */
  findings: 1,
  /** Bad command line: unknown command, missing argument, bad option value. */
  usage: 2,
} as const;
