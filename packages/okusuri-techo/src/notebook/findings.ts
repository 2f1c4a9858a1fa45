// The errors and warnings of one read, each placed by line — and by QR part and line there, when the
// text was assembled from split QR codes. Bounded: a megabyte of garbage gives 100 errors, not 100,000.
import { type IssuePlace, issue, type LineOrigin, type OtcIssue, type OtcIssueCode } from '../issues.js';

const MAX_PER_LIST = 100;

export class Findings {
  readonly errors: OtcIssue[] = [];
  readonly warnings: OtcIssue[] = [];

  constructor(
    readonly source: string,
    private readonly origins?: readonly LineOrigin[],
  ) {}

  error(code: OtcIssueCode, ja: string, en: string, place: IssuePlace = {}): void {
    if (this.errors.length < MAX_PER_LIST) this.errors.push(this.make(code, ja, en, place));
  }

  warn(code: OtcIssueCode, ja: string, en: string, place: IssuePlace = {}): void {
    if (this.warnings.length < MAX_PER_LIST) this.warnings.push(this.make(code, ja, en, place));
  }

  private make(code: OtcIssueCode, ja: string, en: string, place: IssuePlace): OtcIssue {
    const origin = place.line !== undefined ? this.origins?.[place.line - 1] : undefined;
    return issue(
      code,
      this.source,
      ja,
      en,
      origin ? { ...place, part: origin.part, line: origin.line } : place,
    );
  }
}
