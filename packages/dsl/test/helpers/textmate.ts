// A small TextMate tokenizer, enough for tdl's one-line grammar: `match` rules with captures, and
// `begin`/`end` rules that close on their line. At each point the earliest match wins, ties going to
// the rule listed first, as in a TextMate engine.

export interface GrammarRule {
  readonly name?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly include?: string;
  readonly captures?: Record<string, { name: string }>;
  readonly patterns?: readonly GrammarRule[];
}

export interface Grammar {
  readonly patterns: readonly GrammarRule[];
  readonly repository: Record<string, GrammarRule>;
}

/** A scope given to the characters [start, end) of a line. */
export interface Scoped {
  readonly start: number;
  readonly end: number;
  readonly scope: string;
}

function expand(rules: readonly GrammarRule[], grammar: Grammar): GrammarRule[] {
  return rules.flatMap((r) => {
    if (r.include) {
      const target = grammar.repository[r.include.replace(/^#/, '')];
      if (!target) throw new Error(`no repository entry ${r.include}`);
      return target.match || target.begin ? [target] : expand(target.patterns ?? [], grammar);
    }
    return r.match || r.begin ? [r] : expand(r.patterns ?? [], grammar);
  });
}

function find(source: string, text: string, from: number): RegExpExecArray | null {
  const re = new RegExp(source, 'gd');
  re.lastIndex = from;
  return re.exec(text);
}

/** The earliest match of any rule at or after `from`; ties go to the first rule. */
function earliest(rules: readonly GrammarRule[], line: string, from: number): { rule: GrammarRule; m: RegExpExecArray } | undefined {
  let best: { rule: GrammarRule; m: RegExpExecArray } | undefined;
  for (const rule of rules) {
    const m = find((rule.match ?? rule.begin)!, line, from);
    if (m && (!best || m.index < best.m.index)) best = { rule, m };
  }
  return best;
}

/** The scoped pieces of one line. */
export function tokenizeLine(line: string, grammar: Grammar): Scoped[] {
  const rules = expand(grammar.patterns, grammar);
  const out: Scoped[] = [];
  let pos = 0;
  while (pos <= line.length) {
    const hit = earliest(rules, line, pos);
    if (!hit) break;
    const { rule, m } = hit;
    let end = m.index + m[0].length;
    if (rule.match) {
      if (rule.name) out.push({ start: m.index, end, scope: rule.name });
      for (const [group, { name }] of Object.entries(rule.captures ?? {})) {
        const span = m.indices?.[Number(group)];
        if (span) out.push({ start: span[0], end: span[1], scope: name });
      }
    } else {
      const inner = expand(rule.patterns ?? [], grammar);
      for (;;) {
        const close = find(rule.end!, line, end);
        const nested = earliest(inner, line, end);
        if (nested && (!close || nested.m.index < close.index)) {
          if (nested.rule.name) out.push({ start: nested.m.index, end: nested.m.index + nested.m[0].length, scope: nested.rule.name });
          end = nested.m.index + Math.max(1, nested.m[0].length);
          continue;
        }
        end = close ? close.index + close[0].length : line.length;
        break;
      }
      if (rule.name) out.push({ start: m.index, end, scope: rule.name });
    }
    pos = end > m.index ? end : m.index + 1;
  }
  return out;
}

/** The scopes covering column `at` of a line, outermost first. */
export function scopesAt(pieces: readonly Scoped[], at: number): string[] {
  return pieces
    .filter((p) => p.start <= at && at < p.end)
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .map((p) => p.scope);
}
