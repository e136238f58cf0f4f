// Writes the tables of models/README.md from the model files themselves: each file is compiled and
// its features are read off the IR, its figures come from the same analysis as `tdl info`; the second
// table lists the folders each file claims and its presets.
// Run `npx -y pnpm@12.4.2 build`, then `node scripts/models-table.mjs` (or `--check` to fail when stale).
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BEGIN = '<!-- BEGIN GENERATED models table: node scripts/models-table.mjs -->';
export const END = '<!-- END GENERATED models table -->';
export const PRESETS_BEGIN = '<!-- BEGIN GENERATED presets table: node scripts/models-table.mjs -->';
export const PRESETS_END = '<!-- END GENERATED presets table -->';

const COLUMNS = ['model', 'family', 'input and positions', 'attention', 'cross-attention', 'norms and layout', 'feed-forward', 'output head', 'linear biases', 'parameters', 'KV cache / token (f32, f16)', 'checkpoint namings'];

/** 75497472 → "72.00 MiB", as `tdl info` prints bytes. */
function bytes(x) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i ? `${x.toFixed(2)} ${units[i]}` : `${x} B`;
}

const count = (x) => Math.round(x).toLocaleString('en-US');
const number = (x) => (Number.isInteger(x) ? count(x) : String(Number(x.toPrecision(6))));
/** 45.2548… → "√2048": a factor shown as the root it is, when it is one. */
const root = (x) => {
  const square = Math.round(x * x);
  return square > 1 && Math.abs(x * x - square) < 1e-9 ? `√${square}` : number(x);
};

/** The nodes of a graph with the layers each runs in (top-level nodes: none). */
function sites(graph) {
  const out = [];
  for (const item of graph.items) {
    if (item.op !== 'repeat') out.push({ node: item, layers: [] });
    else for (const body of item.bodies) for (const node of body.nodes) out.push({ node, layers: body.layers, region: item });
  }
  return out;
}

function layerCount(graph) {
  return graph.items.filter((i) => i.op === 'repeat').reduce((n, r) => n + r.count, 0);
}

/** "4 of 32 layers (3, 7, …)" or "every layer". */
function layerSpan(layers, total) {
  if (layers.length === total) return 'every layer';
  const list = layers.length <= 3 ? layers.join(', ') : `${layers.slice(0, 2).join(', ')}, …`;
  return `${layers.length} of ${total} layers (${list})`;
}

function describe(compiler, graph, plans) {
  const all = sites(graph);
  const byId = new Map(all.map((s) => [s.node.id, s.node]));
  const origins = compiler.valueOrigins(graph);
  const tokens = graph.items.find((i) => i.op === 'input' && i.role === 'tokens');
  const fromTokens = (id) => origins.get(id)?.has(tokens.name) ?? false;
  const consumers = new Map();
  for (const { node } of all) for (const id of compiler.operands(node)) consumers.set(id, [...(consumers.get(id) ?? []), node]);
  const total = layerCount(graph);
  const attention = all.filter((s) => s.node.op === 'attention');
  const self = attention.filter((s) => fromTokens(s.node.k));
  const cross = attention.filter((s) => !fromTokens(s.node.k));
  const isNorm = (n) => n && (n.op === 'layer_norm' || n.op === 'rms_norm');

  // Input: the token embedding, what is done to it, and the positions.
  const input = [];
  const top = all.filter((s) => !s.region).map((s) => s.node);
  const tokenEmbedding = top.find((n) => n.op === 'embedding' && byId.get(n.ids)?.op === 'input');
  for (const n of consumers.get(tokenEmbedding?.id) ?? []) {
    if (n.op === 'scale') input.push(`embedding × ${root(n.factor)}`);
    if (isNorm(n)) input.push('embedding layer-normed');
  }
  for (const n of top) {
    const ids = n.op === 'embedding' ? byId.get(n.ids) : undefined;
    if (ids?.op === 'positions') input.push(ids.offset ? `learned positions (from ${ids.offset})` : 'learned positions');
    if (n.op === 'sinusoidal') input.push('sinusoidal positions');
  }
  // Every distinct rotary embedding (Gemma 3's local and global layers differ), with its scaling.
  const ropes = new Map();
  for (const s of self.filter((s) => s.node.rope)) {
    const { rope: r, headDim } = s.node;
    const part = r.dim < headDim ? ` on ${r.dim} of ${headDim} channels` : '';
    const scaling = r.scaling.kind === 'none' ? '' : `, ${r.scaling.kind} scaling${'factor' in r.scaling ? ` ×${number(r.scaling.factor)}` : ''}`;
    const text = `RoPE${part}, θ ${number(r.theta)}${r.layout === 'interleaved' ? ', interleaved' : ''}${scaling}`;
    ropes.set(text, [...(ropes.get(text) ?? []), ...s.layers]);
  }
  for (const [text, layers] of ropes) input.push(ropes.size > 1 ? `${text} on ${layerSpan(layers, total)}` : text);
  if (self.some((s) => s.node.alibi)) input.push('ALiBi');

  // Self-attention: heads, key/value heads, masks, scale and soft-cap.
  const attn = [];
  const first = self[0]?.node;
  if (first) {
    const kind = first.kvHeads === first.heads ? 'MHA' : first.kvHeads === 1 ? 'MQA' : 'GQA';
    attn.push(`${kind}, ${first.heads}${first.kvHeads !== first.heads ? `/${first.kvHeads}` : ''} heads × ${first.headDim}`);
    const sliding = self.filter((s) => s.node.mask.kind === 'sliding');
    if (sliding.length) attn.push(`sliding window ${count(sliding[0].node.mask.window)} on ${layerSpan(sliding.flatMap((s) => s.layers), total)}`);
    if (Math.abs(first.scale * Math.sqrt(first.headDim) - 1) > 1e-9) attn.push(`scale 1/√${number(Math.round(1 / first.scale ** 2))}`);
    if (first.softcap > 0) attn.push(`scores soft-capped at ${number(first.softcap)}`);
    if (first.qkNorm) attn.push(`qk-norm ${first.qkNorm.over === 'head' ? 'per head' : 'over the projection'}`);
  }

  // Cross-attention: on which layers, and gated or not.
  let crossText = '—';
  if (cross.length) {
    const layers = [...new Set(cross.flatMap((s) => s.layers))].sort((a, b) => a - b);
    const gated = all.some((s) => s.node.op === 'tanh_gate');
    const c = cross[0].node;
    crossText = `${layers.length ? layerSpan(layers, total) : 'once'}, ${c.heads} heads × ${c.headDim}${gated ? ', tanh-gated' : ''}`;
  }

  // Norms, and where they sit around self-attention (read off the first layer that has one).
  const norms = new Set();
  for (const { node } of all) {
    if (node.op === 'layer_norm') norms.add(node.bias ? 'LayerNorm' : node.weight ? 'LayerNorm without bias' : 'LayerNorm');
    if (node.op === 'rms_norm') norms.add(node.offset ? `RMSNorm (${number(node.offset)} + w)` : 'RMSNorm');
  }
  const layout = first ? layoutOf(compiler, self[0], byId, consumers) : undefined;

  // Feed-forward: gated or not, its activation and width.
  let ffn = '—';
  const body = all.filter((s) => s.region);
  const gate = body.find((s) => s.node.op === 'mul' && [s.node.a, s.node.b].some((id) => byId.get(id)?.op === 'activation'));
  const act = body.find((s) => s.node.op === 'activation')?.node;
  const NAMES = { silu: 'SiLU', gelu: 'GELU', gelu_tanh: 'GELU (tanh)', relu: 'ReLU', sigmoid: 'sigmoid', tanh: 'tanh' };
  const GLU = { silu: 'SwiGLU', gelu: 'GeGLU', gelu_tanh: 'GeGLU (tanh)', relu: 'ReGLU' };
  const moe = body.find((s) => s.node.op === 'moe')?.node;
  if (moe) {
    ffn = `mixture of ${moe.experts.length} ${GLU[moe.act] ?? `${NAMES[moe.act]} GLU`} experts (top ${moe.topK}), ${count(moe.hidden)}`;
  } else if (gate) {
    const fn = byId.get([gate.node.a, gate.node.b].find((id) => byId.get(id)?.op === 'activation')).fn;
    const glu = GLU[fn] ?? `${NAMES[fn]} GLU`;
    ffn = `${glu}, ${count(compiler.dimValue(gate.node.type.shape.at(-1)))}`;
  } else if (act) {
    ffn = `${NAMES[act.fn] ?? act.fn}, ${count(compiler.dimValue(act.type.shape.at(-1)))}`;
  }

  // The output head: the last linear, tied or not, with a bias or a soft-cap.
  const out = graph.outputs[0];
  let headNode = byId.get(out.value);
  const head = [];
  if (headNode?.op === 'softcap') {
    head.push(`logits soft-capped at ${number(headNode.cap)}`);
    headNode = byId.get(headNode.x);
  }
  if (headNode?.op === 'linear') head.unshift(headNode.tiedOut !== undefined ? 'tied to the embedding' : headNode.bias ? 'untied, with bias' : 'untied');

  // Biases: which attention projections have them, and whether the other linear layers do.
  const letters = ['q', 'k', 'v', 'o'].filter((p) => self.some((s) => s.node.params[`${p}Bias`]));
  const linears = all.filter((s) => s.node.op === 'linear' && s.node.id !== headNode?.id);
  const mlpBias = linears.some((s) => s.node.bias);
  const biases = letters.length === 4 && mlpBias ? 'all' : !letters.length && !mlpBias ? 'none' : [letters.length ? letters.join(', ') : '', mlpBias ? 'feed-forward' : ''].filter(Boolean).join('; ');

  const info = compiler.analyze(graph);
  return {
    input: input.join('; ') || '—',
    attention: attn.join('; ') || '—',
    cross: crossText,
    norms: [[...norms].join(', '), layout].filter(Boolean).join('; ') || '—',
    ffn,
    head: head.join(', ') || '—',
    biases,
    params: count(info.params.total),
    kv: `${bytes(info.kvCache.perToken.f32)}, ${bytes(info.kvCache.perToken.f16)}`,
    namings: plans.map((p) => p.naming).join(', ') || '—',
  };
}

/**
 * Where the norms sit around one self-attention: parallel (the feed-forward network does not read
 * the attention's output), sandwich (its output is normalised before the residual), post-norm (the
 * residual sum is normalised and only the norm reads it; DeepNorm when the residual is scaled first)
 * or pre-norm.
 */
function layoutOf(compiler, site, byId, consumers) {
  const a = site.node;
  const layerNodes = new Set(site.region ? site.region.bodies.find((b) => b.layers.includes(site.layers[0])).nodes.map((n) => n.id) : []);
  const downstream = new Set();
  const stack = [a.id];
  while (stack.length) {
    const id = stack.pop();
    for (const n of consumers.get(id) ?? []) if (layerNodes.has(n.id) && !downstream.has(n.id)) downstream.add(n.id) && stack.push(n.id);
  }
  const isNorm = (n) => n && (n.op === 'layer_norm' || n.op === 'rms_norm');
  const next = consumers.get(a.id) ?? [];
  if (next.some(isNorm)) {
    return isNorm(byId.get(a.q)) ? 'sandwich (norms before and after each sub-layer)' : 'each sub-layer\'s output normed before the residual add';
  }
  // Post-norm: the residual sum is read only by a norm, whose output carries the stream on.
  const sum = next.find((n) => n.op === 'add');
  const readers = sum ? (consumers.get(sum.id) ?? []) : [];
  if (readers.length && readers.every(isNorm)) {
    const other = byId.get(sum.a === a.id ? sum.b : sum.a);
    return other?.op === 'scale' ? `DeepNorm (post-norm, residual × ${number(other.factor)})` : 'post-norm';
  }
  const ffnReadsAttention = [...downstream].some((id) => byId.get(id)?.op === 'linear');
  const hasFfn = [...layerNodes].some((id) => byId.get(id)?.op === 'linear');
  if (!hasFfn || ffnReadsAttention) return 'pre-norm';
  const norms = [...layerNodes].filter((id) => isNorm(byId.get(id))).length;
  return `parallel attention and feed-forward (${norms === 1 ? 'one norm' : `${norms} norms`})`;
}

/** The family a model's doc comment names first: its text up to the first '(', ',' or ':'. */
function family(doc) {
  const text = (doc ?? '').replace(/\s+/g, ' ').trim();
  const cut = text.search(/ \(|,|:/);
  return (cut < 0 ? text : text.slice(0, cut)) || '—';
}

/** The markdown table for model files given as `{ name: 'models/x.tdl', text }`. */
export function modelsTable(compiler, sources) {
  const rows = sources.map(({ name, text }) => {
    const result = compiler.checkSource({ name, text });
    if (!result.ok || !result.graph) throw new Error(`${name} does not check: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    const d = describe(compiler, result.graph, result.checkpointPlans);
    const file = name.replace(/^models\//, '');
    return [`[${file}](${file}) \`${result.graph.name}\``, family(result.graph.doc), d.input, d.attention, d.cross, d.norms, d.ffn, d.head, d.biases, d.params, d.kv, d.namings];
  });
  const line = (cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/**
 * The table of what each model file says about Hugging Face folders: the `model_type` and
 * `architectures` its config section claims, and its presets with their parameter counts.
 */
export function presetsTable(compiler, sources) {
  const rows = [];
  for (const { name, text } of sources) {
    const result = compiler.checkSource({ name, text });
    if (!result.configs.length && !result.presets.length) continue;
    const claims = result.configs.map((c) => c.claims);
    const presets = result.presets.map((p) => {
      const graph = compiler.checkSource({ name, text }, { overrides: p.values }).graph;
      return `${p.name} (${count(compiler.countParams(graph).total)})`;
    });
    const file = name.replace(/^models\//, '');
    const list = (xs) => xs.map((x) => `\`${x}\``).join(', ') || '—';
    rows.push([`[${file}](${file})`, list(claims.flatMap((c) => c.modelTypes)), list(claims.flatMap((c) => c.architectures)), presets.join(', ') || '—']);
  }
  const line = (cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const head = ['model', 'claims model_type', 'claims architectures', 'presets (parameters)'];
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** `readme` with the text between the markers `open` and `close` replaced by `table`. */
function withBlock(readme, table, open, close) {
  const begin = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (begin < 0 || end < begin) throw new Error(`models/README.md has no '${open}' … '${close}' block`);
  return `${readme.slice(0, begin + open.length)}\n${table}${readme.slice(end)}`;
}

/** `readme` with the models table replaced by `table`. */
export function withTable(readme, table) {
  return withBlock(readme, table, BEGIN, END);
}

/** `readme` with the presets table replaced by `table`. */
export function withPresets(readme, table) {
  return withBlock(readme, table, PRESETS_BEGIN, PRESETS_END);
}

/** Every `models/*.tdl` as `{ name, text }`, sorted by file name. */
export function modelSources(root) {
  return readdirSync(join(root, 'models'))
    .filter((f) => f.endsWith('.tdl'))
    .sort()
    .map((f) => ({ name: `models/${f}`, text: readFileSync(join(root, 'models', f), 'utf8') }));
}

async function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let compiler;
  try {
    compiler = await import(join(root, 'packages/compiler/dist/index.js'));
  } catch {
    console.error('scripts/models-table.mjs: packages/compiler/dist is missing: run `npx -y pnpm@12.4.2 build` first');
    process.exit(1);
  }
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--check')) {
    console.error(`usage: node scripts/models-table.mjs [--check]\n  (no flag)  rewrite the table in models/README.md\n  --check    exit 1 if the table is stale`);
    process.exit(1);
  }
  const path = join(root, 'models/README.md');
  const readme = readFileSync(path, 'utf8');
  const sources = modelSources(root);
  const updated = withPresets(withTable(readme, modelsTable(compiler, sources)), presetsTable(compiler, sources));
  if (args.includes('--check')) {
    if (updated !== readme) {
      console.error('models/README.md: the models or presets table is stale; run `node scripts/models-table.mjs`');
      process.exit(1);
    }
    console.log('models/README.md: the models table is current');
    return;
  }
  if (updated === readme) {
    console.log('models/README.md: the models table is current');
    return;
  }
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, updated);
  renameSync(temp, path);
  console.log(`models/README.md: table of ${modelSources(root).length} models written`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
