/** The day in Japan (UTC+9, no daylight saving) as YYYY-MM-DD: consent dates are Japanese calendar days. */
export function tokyoDay(now: Date): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
