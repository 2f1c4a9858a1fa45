/** A command line that cannot be run as given: printed with the command's help, exit 2. */
export class UsageError extends Error {}
