/**
 * A structural check of protobuf wire format without decoding into objects: every tag has a valid
 * field number and wire type, every varint ends within 10 bytes, every length stays inside the body.
 *
 * route_server relays seven commands byte for byte without looking inside (servers.md §5.5). The
 * original relayed garbage too, fanning it out to every msg_server. Rewrite: garbage is refused at
 * the door (the link that sent it is closed, protocol.md §1.5), but bodies are still relayed
 * untouched and without the cost of a full decode on the hottest path of the cluster.
 */
export function isWellFormedProtobuf(buf: Uint8Array): boolean {
  let pos = 0;
  const end = buf.length;
  const varint = (): number => {
    // Returns the low 32 bits as an unsigned number (enough for tags and lengths), -1 on error.
    let result = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) return -1;
      const b = buf[pos++]!;
      if (i < 5) result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return i < 5 ? result : 2 ** 35; // huge values only matter as lengths: too big
    }
    return -1;
  };
  while (pos < end) {
    const tag = varint();
    if (tag < 0) return false;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) return false;
    switch (wire) {
      case 0: if (varint() < 0) return false; break;
      case 1: pos += 8; break;
      case 2: {
        const len = varint();
        if (len < 0) return false;
        pos += len;
        break;
      }
      case 5: pos += 4; break;
      default: return false; // groups (3, 4) never occur in TeamTalk's schema; 6, 7 do not exist
    }
    if (pos > end) return false;
  }
  return true;
}
