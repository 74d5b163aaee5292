/** db_proxy's "now": Unix seconds, as every time column holds (schema.md §1). */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
