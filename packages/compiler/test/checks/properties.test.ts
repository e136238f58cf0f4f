// Property tests of the checker: random well-formed architectures are accepted as they are, and a
// single mutation that breaks one rule is rejected with one error whose span covers the mutation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics, type DiagnosticCode } from '@tdl/dsl';
import { checkSource } from '../../src/index.js';
import { archArb, render, width, type Arch, type MutationText, type Site } from './arbitrary-arch.js';

const check = (text: string) => checkSource({ name: 'arch.tdl', text });
const show = (text: string) => renderDiagnostics(check(text).diagnostics, () => text);

/** Numbers from `from` to `to` that are not divisors of `n`. */
const nonDivisors = (n: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((k) => n % k !== 0);

interface Mutation {
  readonly name: string;
  readonly code: DiagnosticCode;
  readonly applies: (a: Arch) => boolean;
  /** The site to change and an arbitrary for the text put there. */
  readonly site: Site;
  readonly text: (a: Arch) => fc.Arbitrary<MutationText>;
}

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'heads do not divide the width',
    code: 'E0303',
    applies: () => true,
    site: 'heads',
    // Multiples of kv_heads, so that grouped-query attention stays well-formed.
    text: (a) => fc.constantFrom(...nonDivisors(width(a), 2, 2 * width(a) + 1).filter((h) => h % a.kvHeads === 0)).map((h) => ({ text: String(h) })),
  },
  {
    name: 'kv_heads do not divide heads',
    code: 'E0304',
    applies: () => true,
    site: 'kv_heads',
    text: (a) => {
      const prefix = a.kvHeads !== a.heads ? {} : { prefix: ', kv_heads = ' };
      return fc.constantFrom(...nonDivisors(a.heads, 2, 2 * a.heads + 1)).map((k) => ({ ...prefix, text: String(k) }));
    },
  },
  {
    name: 'odd rotary dimension',
    code: 'E0305',
    applies: () => true,
    site: 'rope',
    text: (a) => {
      const prefix = a.pos.kind === 'none' ? { prefix: ', pos = ' } : {};
      return fc.integer({ min: 0, max: a.headDim / 2 - 1 }).map((k) => ({ ...prefix, text: `rope(dim = ${2 * k + 1})` }));
    },
  },
  {
    name: 'rotary dimension larger than the head',
    code: 'E0306',
    applies: () => true,
    site: 'rope',
    text: (a) => {
      const prefix = a.pos.kind === 'none' ? { prefix: ', pos = ' } : {};
      return fc.integer({ min: 1, max: 8 }).map((k) => ({ ...prefix, text: `rope(dim = ${a.headDim + 2 * k})` }));
    },
  },
  {
    name: 'self-attention without a causal mask',
    code: 'E0317',
    applies: () => true,
    site: 'self_mask',
    text: () => fc.constant({ text: 'none' }),
  },
  {
    name: 'residual of another width',
    code: 'E0301',
    applies: () => true,
    site: 'self_out',
    text: (a) => fc.integer({ min: 1, max: 3 * width(a) }).filter((n) => n !== width(a)).map((n) => ({ prefix: ', out = ', text: String(n) })),
  },
  {
    name: 'causal or sliding mask across the memory',
    code: 'E0313',
    applies: (a) => a.cross !== undefined,
    site: 'cross_mask',
    text: () => fc.constantFrom('causal', 'sliding(2)').map((mask) => ({ prefix: ', mask = ', text: mask })),
  },
  {
    name: 'position encoding across the memory',
    code: 'E0319',
    applies: (a) => a.cross !== undefined,
    site: 'cross_pos',
    // rope(dim = 2) only where the cross-attention heads have 2 channels or more (else a second rule breaks).
    text: (a) => fc.constantFrom('alibi', width(a) / a.cross!.heads >= 2 ? 'rope(dim = 2)' : 'alibi').map((pos) => ({ prefix: ', pos = ', text: pos })),
  },
  {
    name: 'queries from the memory',
    code: 'E0316',
    applies: (a) => a.cross !== undefined,
    site: 'cross_q',
    text: () => fc.constant({ text: 'memory' }),
  },
  {
    name: 'keys from the memory, values from the decoder',
    code: 'E0312',
    applies: (a) => a.cross !== undefined,
    site: 'cross_kv',
    text: () => fc.constant({ prefix: 'k = memory, v = ', text: 'x' }),
  },
  {
    name: 'cross-attention heads do not divide the width',
    code: 'E0303',
    applies: (a) => a.cross !== undefined,
    site: 'cross_heads',
    text: (a) => fc.constantFrom(...nonDivisors(width(a), 2, 2 * width(a) + 1)).map((h) => ({ text: String(h) })),
  },
  {
    name: 'tied head of the wrong shape',
    code: 'E0314',
    applies: (a) => a.tied,
    site: 'head_out',
    text: () => fc.integer({ min: 1, max: 50 }).map((k) => ({ text: `vocab + ${k}` })),
  },
  {
    name: 'untied head of the wrong width',
    code: 'E0322',
    applies: (a) => !a.tied,
    site: 'head_out',
    text: (a) => fc.integer({ min: 1, max: 50 }).filter((k) => k !== a.vocab).map((k) => ({ text: k % 2 ? `vocab + ${k}` : `${k}` })),
  },
  {
    name: 'head tied to a norm',
    code: 'E0320',
    applies: (a) => a.tied,
    site: 'tied',
    text: () => fc.constant({ text: 'ln_f' }),
  },
];

describe('random well-formed architectures', () => {
  it('are accepted with no diagnostic at all', () => {
    fc.assert(
      fc.property(archArb, (arch) => {
        const { text } = render(arch);
        const result = check(text);
        expect(result.diagnostics, `${text}\n${show(text)}`).toEqual([]);
        expect(result.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('cover every placement, mask, position encoding and cross-attention', () => {
    // Not a test of the checker: a guard that the generator still reaches what the property claims.
    const seen = new Set<string>();
    fc.assert(
      fc.property(archArb, (a) => {
        seen.add(a.placement).add(a.norm).add(`pos:${a.pos.kind}`).add(`cross:${a.cross !== undefined}`);
        for (const m of a.masks) seen.add(`mask:${m.kind}`);
        if (a.kvHeads !== a.heads) seen.add('gqa');
      }),
      { numRuns: 300, seed: 42 },
    );
    for (const want of ['pre', 'post', 'sandwich', 'parallel', 'layer_norm', 'rms_norm', 'pos:none', 'pos:alibi', 'pos:rope', 'cross:true', 'cross:false', 'mask:causal', 'mask:sliding', 'gqa']) {
      expect(seen).toContain(want);
    }
  });
});

describe('a single mutation that breaks one rule', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: one error, at the mutated text', (_name, mutation) => {
    const cases = archArb
      .filter(mutation.applies)
      .chain((arch) => mutation.text(arch).map((text) => ({ arch, text })));
    fc.assert(
      fc.property(cases, ({ arch, text }) => {
        const rendered = render(arch, { site: mutation.site, ...text });
        const at = rendered.mutated!;
        const errors = check(rendered.text).diagnostics.filter((d) => d.severity === 'error');
        const context = `${rendered.text}\n${show(rendered.text)}`;
        expect(errors.map((d) => d.code), context).toEqual([mutation.code]);
        const span = errors[0]!.span;
        expect(span.offset, context).toBeLessThanOrEqual(at.offset);
        expect(span.offset + span.length, context).toBeGreaterThanOrEqual(at.offset + at.length);
      }),
      { numRuns: 60 },
    );
  });
});
