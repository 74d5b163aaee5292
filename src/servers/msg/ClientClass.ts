/**
 * Client types and their classes (protocol.md §3.3, servers.md §4.2): bit 0x10 clear = PC
 * (Windows 0x01, Mac 0x02), set = mobile (iOS 0x11, Android 0x12). Two types are the same class
 * when they agree above the low four bits; the class decides kicks, timeouts, who receives
 * presence notifies and which push type is used.
 */
export function isPc(clientType: number): boolean {
  return (clientType & 0x10) === 0;
}

export function isMobile(clientType: number): boolean {
  return (clientType & 0x10) !== 0;
}

export function sameClass(a: number, b: number): boolean {
  return (a >>> 4) === (b >>> 4);
}
