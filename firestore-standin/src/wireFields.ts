// The field numbers present at the top level of a protobuf message. The bundled message
// classes drop fields they do not know (e.g. explain_options), so a request asking for a
// feature the stand-in lacks would otherwise be served as if it had not asked.
export function topLevelFields(bytes: Uint8Array): Set<number> {
  const found = new Set<number>();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError("Truncated varint.");
      const b = bytes[pos++] ?? 0;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const wireType = key % 8;
    found.add(Math.floor(key / 8));
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 2) pos += varint();
    else if (wireType === 5) pos += 4;
    else break; // groups are not used by Firestore's API
  }
  return found;
}
