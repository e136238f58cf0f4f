// Checkpoint sections: what the compiler accepts (and the plans it makes), and each error it reports
// at the mapping line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource, type CheckpointPlan, type PlanEntry } from '../../src/index.js';

const ROOT = new URL('../../../..', import.meta.url).pathname;

/** A small GQA model (head_dim 4, one kv head) with the given checkpoint section body. */
function model(body: string, extra = ''): string {
  return `model m {
  const vocab = 16, d = 8, heads = 2, kv_heads = 1, layers = 2
  input tokens: i32[T <= 32]
  x = emb: embedding(tokens, vocab, d)
  layers: repeat layers as i {
    x = x + attn: attention(norm: rms_norm(x), heads, kv_heads = kv_heads, bias = false)
  }
  output logits = head: linear(x, vocab, bias = false)
  checkpoint hf {
${body}
  }
${extra}}
`;
}

// Everything but q, k and v (lines 10 to 13 of the file).
const BASE = `    emb.weight <- "model.embed.weight"
    layers.{i}.norm.weight <- "model.layers.{i}.ln.weight"
    layers.{i}.attn.o.weight <- "model.layers.{i}.o_proj.weight"
    head.weight <- first_of("lm_head.weight", "model.embed.weight")`;
/** q, k and v, one stored tensor each (line 14). */
const QKV = `    layers.{i}.attn.(q, k, v).weight <- concat(0, "model.layers.{i}.q_proj.weight", "model.layers.{i}.k_proj.weight", "model.layers.{i}.v_proj.weight", sizes = [8, 4, 4]) | split(0, [8, 4, 4])`;
/** q, k and v from one line that also names o: o is then mapped twice (line 14). */
const QKVO = `    layers.{i}.attn.{p}.weight <- "model.layers.{i}.{p}_proj.weight"`;

function check(text: string) {
  return checkSource({ name: 'm.tdl', text });
}

function plan(text: string): CheckpointPlan {
  const r = check(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.checkpointPlans[0]!;
}

function errors(text: string): { code: string; line: number; message: string; label?: string; notes: string[] }[] {
  return check(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ code: d.code, line: d.span.line, message: d.message, ...(d.label !== undefined ? { label: d.label } : {}), notes: d.notes.map((n) => n.message) }));
}

const entryFor = (p: CheckpointPlan, target: string): PlanEntry => p.entries.find((e) => e.targets.includes(target))!;

describe('checkpoint sections: accepted', () => {
  it('the model files compile their sections to plans', () => {
    const namings: Record<string, string[]> = { gpt2: ['hf', 'hf_model'], llama: ['hf', 'meta', 'gguf'], transformer: ['pytorch'], 'transformer-prenorm': ['pytorch'] };
    for (const [file, names] of Object.entries(namings)) {
      const text = readFileSync(`${ROOT}/models/${file}.tdl`, 'utf8');
      const r = checkSource({ name: file, text }, { overrides: { layers: 2 } });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.checkpointPlans.map((p) => p.naming)).toEqual(names);
      const mapped = r.checkpointPlans[0]!.entries.flatMap((e) => e.targets).sort();
      expect(mapped).toEqual(r.graph!.params.map((p) => p.name).sort());
    }
  });

  it("GPT-2's c_attn: one stored [d, 3d] tensor, transposed, then split into q, k, v", () => {
    const r = checkSource({ name: 'gpt2', text: readFileSync(`${ROOT}/models/gpt2.tdl`, 'utf8') }, { overrides: { layers: 1 } });
    const e = entryFor(r.checkpointPlans[0]!, 'h.0.attn.q.weight');
    expect(e.targets).toEqual(['h.0.attn.q.weight', 'h.0.attn.k.weight', 'h.0.attn.v.weight']);
    expect(e.source).toEqual({ kind: 'tensor', tensor: { names: ['transformer.h.0.attn.c_attn.weight'], shape: [768, 2304] } });
    expect(e.steps).toEqual([
      { op: 'transpose', axes: [0, 1], shapes: [[2304, 768]] },
      { op: 'split', axis: 0, sizes: [768, 768, 768], groups: 1, shapes: [[768, 768], [768, 768], [768, 768]] },
    ]);
    expect(e.rule).toMatch(/^gpt2:\d+$/);
    expect(r.checkpointPlans[0]!.ignore).toContain('transformer.h.{i}.attn.bias');
  });

  it("Meta LLaMA's q and k: rows reordered per head, with the kv head count for k", () => {
    const r = checkSource({ name: 'llama', text: readFileSync(`${ROOT}/models/llama.tdl`, 'utf8') }, { overrides: { layers: 1, kv_heads: 8 } });
    const meta = r.checkpointPlans.find((p) => p.naming === 'meta')!;
    expect(entryFor(meta, 'layers.0.self_attn.q.weight').steps).toEqual([{ op: 'rope', to: 'half', heads: 32, shapes: [[4096, 4096]] }]);
    expect(entryFor(meta, 'layers.0.self_attn.k.weight').steps).toEqual([{ op: 'rope', to: 'half', heads: 8, shapes: [[1024, 4096]] }]);
  });

  it('split with given sizes (a fused GQA qkv), and per group (GPT-NeoX packs q, k, v per head)', () => {
    const fused = plan(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [d, d / heads, d / heads])`));
    expect(entryFor(fused, 'layers.1.attn.k.weight').source).toEqual({ kind: 'tensor', tensor: { names: ['qkv.1'], shape: [16, 8] } });
    const grouped = plan(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [8, 4, 4], groups = kv_heads)`));
    expect(entryFor(grouped, 'layers.0.attn.q.weight').steps[0]).toMatchObject({ op: 'split', groups: 1, sizes: [8, 4, 4] });
  });

  it('reshape from a stored 3-D layout, concat of several stored tensors, and ignore rules', () => {
    const p = plan(
      model(`${BASE}
    layers.{i}.attn.q.weight <- "q.{i}" | reshape(from = [heads, d / heads, d])
    layers.{i}.attn.(k, v).weight <- concat(0, "k.{i}", "v.{i}") | split(0)
    _ <- "layers.{i}.rotary.inv_freq"`),
    );
    expect(entryFor(p, 'layers.0.attn.q.weight').source).toEqual({ kind: 'tensor', tensor: { names: ['q.0'], shape: [2, 4, 8] } });
    expect(entryFor(p, 'layers.0.attn.k.weight').source).toEqual({
      kind: 'concat',
      axis: 0,
      groups: 1,
      parts: [
        { names: ['k.0'], shape: [4, 8] },
        { names: ['v.0'], shape: [4, 8] },
      ],
    });
    expect(p.ignore).toEqual(['layers.{i}.rotary.inv_freq']);
  });

  it('one stored tensor may fill several parameters (tied weights)', () => {
    const p = plan(model(`${BASE.replace('first_of("lm_head.weight", "model.embed.weight")', '"model.embed.weight"')}\n${QKV}`));
    expect(entryFor(p, 'layers.1.attn.v.weight').source).toMatchObject({ kind: 'concat', parts: [{ names: ['model.layers.1.q_proj.weight'] }, { shape: [4, 8] }, { shape: [4, 8] }] });
    expect(entryFor(p, 'head.weight').source).toEqual(entryFor(p, 'emb.weight').source);
  });
});

describe('checkpoint sections: layers a repeat leaves out', () => {
  const zero = (text: string) => checkSource({ name: 'm.tdl', text }, { overrides: { layers: 0 } });
  const errorsAt0 = (text: string) => zero(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.line}: ${d.message} (${d.label})`);

  it('with zero layers, a mapping into the layers maps nothing, and the plan holds the rest', () => {
    const r = zero(model(`${BASE}\n${QKV}`));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.checkpointPlans[0]!.entries.flatMap((e) => e.targets).sort()).toEqual(['emb.weight', 'head.weight']);
  });

  it('still reports a mapping no layer could have, naming what a layer has', () => {
    expect(errorsAt0(model(`${BASE}\n${QKV}\n    layers.{i}.atn.q.weight <- "x"\n    nowhere.weight <- "y"`))).toEqual([
      "E0501 15: 'layers.{i}.atn.q.weight' matches no parameter of model 'm' (did you mean 'attn'? after 'layers.{i}' come norm, attn)",
      "E0501 16: 'nowhere.weight' matches no parameter of model 'm' (parameter paths start with emb, head, layers)",
    ]);
    // A bias the layers do not have (bias = false) is no parameter of theirs, however many there are.
    expect(errorsAt0(model(`${BASE}\n${QKV}\n    layers.{i}.attn.o.bias <- "x"`))).toEqual([
      "E0501 15: 'layers.{i}.attn.o.bias' matches no parameter of model 'm' (after 'layers.{i}.attn.o' come weight)",
    ]);
  });

  it('a layer the count leaves out, or a branch no layer takes, maps nothing; an existing layer without the parameter is an error', () => {
    const every = (layers: number, extra: string) =>
      checkSource(
        {
          name: 'm.tdl',
          text: `model m {
  const vocab = 16, d = 8, layers = 4
  input tokens: i32[T <= 32]
  x = emb: embedding(tokens, vocab, d)
  layers: repeat layers as i {
    if i % 4 == 3 {
      x = x + extra: linear(x, d, bias = false)
    }
    x = x + ffn: linear(norm: rms_norm(x), d, bias = false)
  }
  output logits = head: linear(x, vocab, bias = false)
  checkpoint hf {
    emb.weight <- "e"
    layers.{i}.norm.weight <- "n.{i}"
    layers.{i}.ffn.weight <- "f.{i}"
    layers.{i}.extra.weight <- "x.{i}"
    head.weight <- "h"
${extra}
  }
}
`,
        },
        { overrides: { layers } },
      ).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.line}: ${d.message}`);
    expect(every(4, '')).toEqual([]);
    expect(every(2, '')).toEqual([]);
    expect(every(0, '')).toEqual([]);
    expect(every(2, '    layers.5.extra.weight <- "five"')).toEqual([]);
    expect(every(2, '    layers.1.extra.weight <- "one"')).toEqual(["E0501 18: 'layers.1.extra.weight' matches no parameter of model 'm'"]);
  });
});

describe('checkpoint sections: errors at the mapping line', () => {
  it('E0501: a pattern that matches no parameter says where the paths part', () => {
    expect(errors(model(`${BASE}\n${QKV}\n    layers.{i}.atn.q.bias <- "x"`))).toEqual([
      { code: 'E0501', line: 15, message: "'layers.{i}.atn.q.bias' matches no parameter of model 'm'", label: "did you mean 'attn'? after 'layers.{i}' come norm, attn", notes: [] },
    ]);
    const r = errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v, w).weight <- "qkv.{i}" | split(0, [8, 4, 4, 4])\n    layers.{i}.attn.o.bias <- "x"`));
    expect(r[0]).toMatchObject({ code: 'E0501', line: 14, message: 'the model has no parameter layers.0.attn.w.weight (nor 1 more the pattern names)' });
    expect(r[1]).toMatchObject({ code: 'E0501', line: 15, label: "after 'layers.{i}.attn.o' come weight" });
  });

  it('E0502: a parameter mapped twice points at both mappings', () => {
    expect(errors(model(`${BASE}\n${QKV}\n    layers.0.attn.q.weight <- "again"`))).toEqual([
      { code: 'E0502', line: 15, message: 'layers.0.attn.q.weight is mapped twice', label: 'a parameter comes from exactly one mapping', notes: ['first mapped here'] },
    ]);
    expect(errors(model(`${BASE}\n${QKVO}`))).toEqual([
      { code: 'E0502', line: 14, message: 'layers.0.attn.o.weight is mapped twice (and 1 more parameters)', label: 'a parameter comes from exactly one mapping', notes: ['first mapped here'] },
    ]);
  });

  it('E0503: unmapped parameters, grouped by layer, at the section name', () => {
    const r = errors(model(BASE));
    expect(r).toEqual([
      {
        code: 'E0503',
        line: 9,
        message: "checkpoint 'hf' maps nothing to 6 parameters",
        label: 'unmapped: layers.{i}.attn.q.weight (2 layers), layers.{i}.attn.k.weight (2 layers), layers.{i}.attn.v.weight (2 layers)',
        notes: ['every parameter needs a mapping; add a line such as `layers.{i}.attn.q.weight <- "stored.name"`'],
      },
    ]);
  });

  it('E0504: unequal parts need sizes; sizes must match; several targets need a split', () => {
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0)`))).toEqual([
      {
        code: 'E0504',
        line: 14,
        message: 'the parameters are not equal parts along axis 0: 8, 4, 4',
        notes: ['for layers.0.attn.q.weight [8, 8], layers.0.attn.k.weight [4, 8], layers.0.attn.v.weight [4, 8]', 'give the sizes: split(0, [8, 4, 4])'],
      },
    ]);
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [8, 8, 4])`))[0]).toMatchObject({
      code: 'E0504',
      message: 'split sizes [8, 8, 4] do not match the parameters, which are [8, 4, 4] along axis 0',
    });
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | transpose`))[0]).toMatchObject({
      code: 'E0504',
      message: '3 parameters come from one stored tensor, but no transform splits it',
    });
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k).weight <- "qk.{i}" | split(1)`)).find((e) => e.code === 'E0504')).toMatchObject({
      code: 'E0504',
      message: 'the parameters [8, 8], [4, 8] differ on axis 0, so they are not parts of one tensor split along axis 1',
    });
  });

  it('E0504: transforms that do not fit the tensor', () => {
    expect(errors(model(`${BASE}\n${QKV.replace('| split(0, [8, 4, 4])', '| split(0, [8, 4, 4]) | transpose(0, 2)')}`))[0]).toMatchObject({ code: 'E0504', message: 'a tensor [8, 8] has no axis 2' });
    expect(errors(model(`${BASE.replace('"model.layers.{i}.ln.weight"', '"model.layers.{i}.ln.weight" | transpose')}\n${QKV}`))[0]).toMatchObject({
      code: 'E0504',
      message: 'transpose swaps two axes, but this tensor is [8]',
      notes: ['for layers.0.norm.weight [8]', 'a vector has one axis: map it on a line of its own, without `transpose`'],
    });
    expect(errors(model(`${BASE}\n${QKV.replace('| split(0, [8, 4, 4])', '| split(0, [8, 4, 4]) | interleaved_to_half(3)')}`))[0]).toMatchObject({ code: 'E0504', message: '8 rows are not 3 heads of an even width' });
    expect(errors(model(`${BASE}\n${QKV.replace('| split(0, [8, 4, 4])', '| split(0, [8, 4, 4]) | reshape(from = [3, 3])')}`))[0]).toMatchObject({
      code: 'E0504',
      message: 'a stored [3, 3] holds 9 values, but the next step needs [8, 8] (64 values)',
    });
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- concat(0, "a.{i}", "b.{i}", sizes = [8, 7]) | split(0, [8, 4, 4])`))[0]).toMatchObject({
      code: 'E0504',
      message: 'the sizes [8, 7] add up to 15, but the next step needs 16 along axis 0 ([16, 8])',
    });
  });

  it('E0504: one stored tensor read with two shapes', () => {
    const r = errors(model(`${BASE}\n${QKV.replace('"model.layers.{i}.q_proj.weight"', '"model.embed.weight"')}`));
    expect(r[0]).toMatchObject({ code: 'E0504', line: 14, message: "stored tensor 'model.embed.weight' is read as [8, 8] here and as [16, 8] before", notes: ['read here before'] });
  });

  it('E0505: unknown transforms and sources, with the closest name', () => {
    expect(errors(model(`${BASE}\n${QKV.replace('| split(0, [8, 4, 4])', '| transpos | split(0, [8, 4, 4])')}`))).toEqual([
      { code: 'E0505', line: 14, message: "unknown layout transform 'transpos'", label: "did you mean 'transpose'?", notes: [] },
    ]);
    expect(errors(model(`${BASE.replace('first_of', 'firstof')}\n${QKV}`))[0]).toMatchObject({ code: 'E0505', line: 13, label: "did you mean 'first_of'?" });
  });

  it('E0506: placeholders the target does not bind, and stray braces', () => {
    expect(errors(model(`${BASE}\n    layers.{i}.attn.{p}.weight <- "model.layers.{j}.{p}"`)).find((e) => e.code === 'E0506')).toMatchObject({
      code: 'E0506',
      message: 'placeholder {j} is not bound by the target',
      label: 'the target binds {i}, {p}',
    });
    expect(errors(model(`${BASE}\n${QKV.replace('{i}.q_proj', '{i.q_proj')}`))[0]).toMatchObject({ code: 'E0506', message: "a stray '{' in a stored tensor name" });
  });

  it('E0507: transform arguments that are not whole constants, or too many', () => {
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [d, width, 4])`))[0]).toMatchObject({
      code: 'E0507',
      message: "'width' is not a constant of this model",
    });
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [8, 4, 4], 1, 2)`))[0]).toMatchObject({
      code: 'E0507',
      message: 'split takes at most 3 arguments',
    });
    expect(errors(model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(axes = 0)`))[0]).toMatchObject({ code: 'E0507', label: "did you mean 'axis'?" });
    expect(errors(model(`${BASE}\n${QKV}\n    _ <- "x" | transpose`))[0]).toMatchObject({ code: 'E0507', message: 'an ignored tensor is never read, so it takes no transforms' });
  });

  it('E0508: a section declared twice, or called internal', () => {
    const twice = errors(model(`${BASE}\n${QKV}`, `  checkpoint hf {\n  }\n  checkpoint internal {\n  }\n`));
    expect(twice.map((e) => [e.code, e.line, e.message])).toEqual([
      ['E0508', 16, "checkpoint section 'hf' is declared twice"],
      ['E0508', 18, "'internal' names the model's own parameter paths"],
    ]);
  });

  it('--set changes the shapes a section is checked against', () => {
    const text = model(`${BASE}\n    layers.{i}.attn.(q, k, v).weight <- "qkv.{i}" | split(0, [8, 4, 4])`);
    expect(check(text).ok).toBe(true);
    const r = checkSource({ name: 'm.tdl', text }, { overrides: { kv_heads: 2 } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0504']);
  });
});

describe('checkpoint sections: a tied head stored beside the embedding', () => {
  // A head tied by a constant: with tie = 1 the model reads no head of its own.
  const tiedByConstant = (tie: number) =>
    checkSource(
      {
        name: 'm.tdl',
        text: `model m {
  const vocab = 16, d = 8, tie = ${tie}
  input tokens: i32[T <= 32]
  x = emb: embedding(tokens, vocab, d)
  output logits = head: linear(x, vocab, bias = false, tied = if tie == 1 then emb else none)
  checkpoint hf {
    emb.weight <- "model.embed.weight"
    head.weight <- "lm_head.weight"
    _ <- tied("lm_head.weight", "model.embed.weight")
  }
}
`,
      },
    ).checkpointPlans[0]!;

  it('is checked to be the embedding when the model reads no head of its own', () => {
    expect(tiedByConstant(1).copies).toEqual([{ copy: 'lm_head.weight', of: 'model.embed.weight' }]);
  });

  it('is the model’s own head, and not checked, when a mapping reads it', () => {
    const p = tiedByConstant(0);
    expect(p.copies).toBeUndefined();
    expect(entryFor(p, 'head.weight').source).toMatchObject({ kind: 'tensor', tensor: { names: ['lm_head.weight'] } });
  });
});
