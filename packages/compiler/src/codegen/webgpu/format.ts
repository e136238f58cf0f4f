// The plan as JSON text for files: two-space indentation, and anything that fits in 120 characters
// (a parameter, a buffer, a step's workgroups, a table of numbers) on one line.

const WIDTH = 120;

export function formatPlan(plan: object): string {
  return format(plan, '') + '\n';
}

/** One line: `{ "a": 1, "b": [2, 3] }`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

function format(value: unknown, indent: string): string {
  const line = inline(value);
  const primitives = Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
  if (primitives || indent.length + line.length <= WIDTH) return line;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
}
