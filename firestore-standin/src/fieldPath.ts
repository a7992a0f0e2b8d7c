// Firestore field paths: dot-separated segments, segments with special characters quoted
// in backticks (`a.b`.c), backslash escapes inside backticks.

export function parseFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const ch = path.charAt(i);
    if (quoted) {
      if (ch === "\\" && i + 1 < path.length) current += path.charAt(++i);
      else if (ch === "`") quoted = false;
      else current += ch;
    } else if (ch === "`") {
      quoted = true;
    } else if (ch === ".") {
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return segments;
}
