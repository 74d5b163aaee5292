/**
 * jsoncpp's StyledWriter, which the original used for every reply (edge.md §3.4): object keys in
 * byte order, three-space indent, ` : ` between key and value, a newline after the document.
 * Only what replies contain is supported: objects, arrays, strings, integers, booleans.
 */
export type StyledValue = string | number | boolean | null | StyledValue[] | { [key: string]: StyledValue };

const INDENT = '   ';

function write(v: StyledValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    // StyledWriter keeps a short array of scalars on one line (its right margin is 74).
    if (v.every((x) => x === null || typeof x !== 'object')) {
      const one = `[ ${v.map((x) => write(x, indent)).join(', ')} ]`;
      if (one.length + indent.length <= 74) return one;
    }
    const inner = indent + INDENT;
    return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (keys.length === 0) return '{}';
  const inner = indent + INDENT;
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} : ${write(v[k]!, inner)}`).join(',\n')}\n${indent}}`;
}

export function styledJson(v: StyledValue): string {
  return `${write(v, '')}\n`;
}
