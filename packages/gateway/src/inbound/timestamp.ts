/** `yyyyMMddHHmmssfff` in Japan time: the SS-MIX2 file-name timestamp of when the file is written (§2). */
export function jstTimestamp(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3600_000).toISOString();
  return jst.slice(0, 23).replace(/[-T:.]/g, '');
}
