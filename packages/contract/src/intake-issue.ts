/**
 * A reason a record server refused an intake or an entry, or a warning kept with an imported one: where
 * (file, line, field) and a stable code. The repository answers with these; the web app shows them.
 */
export interface IntakeIssue {
  /** A stable code (`uke-encoding`, `lab-unknown-clinic`, `otc-not-jahis`, `entry-invalid` …). */
  code: string;
  /** English. */
  message: string;
  /** 日本語, when the reader gives it. */
  messageJa?: string;
  /** The file, message or API it is about. */
  file?: string;
  /** 1-based line (or segment) number. */
  line?: number;
  /** The field: `RE-4`, `MSH-4`, `PID-3`, `Api_Result`, a form field … */
  field?: string;
}
