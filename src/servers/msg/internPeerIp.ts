/**
 * One string per distinct client address instead of one per connection: the transport builds a
 * fresh "a.b.c.d" for every accept, and 15 000 idle clients behind a few NATs or on loopback would
 * keep 15 000 copies (about 32 bytes each). Bounded so a scan from many addresses cannot grow it.
 */
const seen = new Map<string, string>();
const MAX_DISTINCT = 4096;

export function internPeerIp(ip: string): string {
  const known = seen.get(ip);
  if (known !== undefined) return known;
  if (seen.size >= MAX_DISTINCT) seen.clear();
  seen.set(ip, ip);
  return ip;
}
