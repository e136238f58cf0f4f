// Compares ASTs up to spans: a deep copy without `span` fields (and without keys whose value is undefined).
export function stripSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripSpans) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'span' || v === undefined) continue;
    out[key] = stripSpans(v);
  }
  return out as T;
}
