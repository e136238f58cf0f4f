// Identifiers for generated code: readable names for values and fields, unique within their scope.

const RESERVED = new Set([
  'k', 'ws', 'R', 'T', 'S', 'past', 'tokens', 'memory', 'lastOnly', 'weights', 'i', 'W', 'C', 'rows', 'memoryLength',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await',
]);

/** Turns a path like `attn.q.weight` into an identifier like `attn_q_weight`. */
export function identifier(path: string): string {
  let id = path.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (!id || /^[0-9]/.test(id)) id = `v_${id}`;
  return RESERVED.has(id) ? `${id}_` : id;
}

/** Hands out identifiers, suffixing repeats so each is unique. */
export class NameTable {
  private readonly used = new Set<string>(RESERVED);

  take(wanted: string): string {
    const base = identifier(wanted);
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }
}
