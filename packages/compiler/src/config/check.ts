// Checks a model's config sections and presets against its constants: every rule and preset sets a
// constant the model has, every default names only constants given by earlier rules, names are unique.
import { closestMatch, diagnostic, type ConfigDecl, type Diagnostic, type Expr, type PresetDecl, type Span } from '@tdl/dsl';
import { readSection, TIED, type ConfigSection, type FormProblem } from './rules.js';
import { readPreset, type Preset } from './presets.js';
import { CONFIG_WORDS } from './values.js';

function names(e: Expr): { name: string; span: Span }[] {
  switch (e.kind) {
    case 'Name':
      return [{ name: e.name, span: e.span }];
    case 'Binary':
      return [...names(e.left), ...names(e.right)];
    case 'Unary':
      return names(e.operand);
    case 'Number':
    case 'String':
    case 'Call':
    case 'IfExpr':
    case 'List':
      return [];
  }
}

function unknownConstant(name: string, span: Span, constants: readonly string[], what: string): Diagnostic {
  const near = closestMatch(name, constants);
  return diagnostic('E0601', span, `${what} sets '${name}', which is not a constant of this model`, {
    label: near ? `did you mean '${near}'?` : `the constants are ${constants.join(', ') || 'none'}`,
  });
}

export interface SettingsResult {
  readonly configs: readonly ConfigSection[];
  readonly presets: readonly Preset[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads and checks the config sections and presets of a model whose constants are `constants`. */
export function checkSettings(configs: readonly ConfigDecl[], presets: readonly PresetDecl[], constants: readonly string[]): SettingsResult {
  const out: Diagnostic[] = [];
  const sections: ConfigSection[] = [];
  const seen = new Map<string, ConfigDecl>();
  for (const decl of configs) {
    const prev = seen.get(decl.name.name);
    if (prev) {
      out.push(diagnostic('E0602', decl.name.span, `config section '${decl.name.name}' is declared twice`, { notes: [{ message: 'first declared here', span: prev.name.span }] }));
      continue;
    }
    seen.set(decl.name.name, decl);
    const problems: FormProblem[] = [];
    const section = readSection(decl, problems);
    for (const p of problems) out.push(diagnostic('E0602', p.at.span, p.message, p.label !== undefined ? { label: p.label } : {}));
    const given = new Set<string>();
    for (const rule of section.rules) {
      const target = rule.rule.target;
      if (rule.constant === TIED && constants.includes(TIED)) {
        out.push(diagnostic('E0602', target.span, `'${TIED}' is the head's tie in a config section, and this model also has a constant '${TIED}'`, { label: 'rename the constant' }));
      } else if (rule.constant !== undefined && rule.constant !== TIED && !constants.includes(rule.constant)) {
        out.push(unknownConstant(rule.constant, target.span, constants, 'this rule'));
      }
      for (const e of [...(rule.default ? [rule.default] : []), ...(rule.ifNull ? [rule.ifNull] : []), ...(rule.expect ?? [])]) {
        for (const n of names(e)) {
          if (given.has(n.name) || CONFIG_WORDS.has(n.name)) continue;
          out.push(
            diagnostic('E0602', n.span, `'${n.name}' is not given by an earlier rule of this section`, {
              label: constants.includes(n.name) ? `move the rule for '${n.name}' above this one` : `the section gives ${[...given].join(', ') || 'nothing yet'}`,
            }),
          );
        }
      }
      if (rule.constant !== undefined) {
        if (given.has(rule.constant)) out.push(diagnostic('E0602', target.span, `'${rule.constant}' is set twice in this section`));
        given.add(rule.constant);
      }
    }
    sections.push(section);
  }
  const read: Preset[] = [];
  const presetNames = new Map<string, PresetDecl>();
  for (const decl of presets) {
    const prev = presetNames.get(decl.name.value);
    if (prev) {
      out.push(diagnostic('E0603', decl.name.span, `preset "${decl.name.value}" is declared twice`, { notes: [{ message: 'first declared here', span: prev.name.span }] }));
      continue;
    }
    presetNames.set(decl.name.value, decl);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(decl.name.value)) {
      out.push(diagnostic('E0603', decl.name.span, `"${decl.name.value}" is not a preset name`, { label: 'letters, digits, `.`, `_` and `-`, as in "llama-3-8b"' }));
    }
    const { preset, problems } = readPreset(decl);
    for (const p of problems) out.push(diagnostic('E0603', p.span, p.message));
    for (const b of decl.bindings) if (!constants.includes(b.name.name)) out.push(unknownConstant(b.name.name, b.name.span, constants, `preset "${preset.name}"`));
    read.push(preset);
  }
  return { configs: sections, presets: read, diagnostics: out };
}
