// The JSON files loaders read beside model.onnx: Hugging Face's `config.json` (transformers.js, optimum;
// model_type picks the architecture, the sizes size the cache) and onnxruntime-genai's
// `genai_config.json` (its documented schema: onnxruntime.ai/docs/genai/reference/config.html).
import { ONNX_DIMS_NAMES, type OnnxExport } from './export.js';

/** Hugging Face's class for each architecture a tdl family reproduces, and its config's model_type. */
const HF_ARCHITECTURES: Readonly<Record<string, string>> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
  GemmaForCausalLM: 'gemma',
  Gemma2ForCausalLM: 'gemma2',
  PhiForCausalLM: 'phi',
  GPTNeoXForCausalLM: 'gpt_neox',
  FalconForCausalLM: 'falcon',
  BloomForCausalLM: 'bloom',
  OPTForCausalLM: 'opt',
  GPT2LMHeadModel: 'gpt2',
  WhisperForConditionalGeneration: 'whisper',
};

/** onnxruntime-genai's decoder-only model types among those (its `type`). */
const GENAI_TYPES = new Set(['llama', 'mistral', 'qwen2', 'gemma', 'gemma2', 'phi', 'gpt2']);

/** The Hugging Face class a model's text (its doc, then its file) names first, when it is one tdl knows. */
export function hfArchitecture(...texts: readonly string[]): { readonly architecture: string; readonly modelType: string } | undefined {
  const names = Object.keys(HF_ARCHITECTURES).join('|');
  for (const text of texts) {
    const m = new RegExp(`\\b(${names})\\b`).exec(text);
    if (m) return { architecture: m[1]!, modelType: HF_ARCHITECTURES[m[1]!]! };
  }
  return undefined;
}

export interface OnnxConfigOptions {
  /** The Hugging Face class the model reproduces (hfArchitecture), if any. */
  readonly hf?: { readonly architecture: string; readonly modelType: string };
  readonly weights: 'f32' | 'f16';
}

/** The sizes every loader asks for: the same in both files. */
function sizes(e: OnnxExport) {
  const first = e.caches[0];
  return {
    layers: e.caches.length,
    heads: e.heads,
    kvHeads: first?.kvHeads ?? 0,
    headDim: first?.headDim ?? 0,
    hidden: e.hidden,
    vocab: e.vocab,
    context: e.context,
  };
}

/**
 * config.json: the generic names transformers.js and optimum read, plus the names the family's own
 * Hugging Face config uses where they differ (GPT-2's n_layer, BLOOM's n_head, Whisper's decoder_*).
 */
export function hfConfig(e: OnnxExport, options: OnnxConfigOptions): Record<string, unknown> {
  const s = sizes(e);
  const type = options.hf?.modelType;
  const aliases: Record<string, unknown> =
    type === 'gpt2'
      ? { n_layer: s.layers, n_head: s.heads, n_embd: s.hidden, n_positions: s.context, n_ctx: s.context }
      : type === 'bloom'
        ? { n_layer: s.layers, n_head: s.heads }
        : type === 'falcon'
          ? { num_kv_heads: s.kvHeads, new_decoder_architecture: s.kvHeads !== s.heads && s.kvHeads !== 1, multi_query: s.kvHeads === 1 }
          : type === 'whisper'
            ? { decoder_layers: s.layers, decoder_attention_heads: s.heads, d_model: s.hidden, max_target_positions: s.context }
            : {};
  return {
    ...(options.hf ? { architectures: [options.hf.architecture], model_type: options.hf.modelType } : {}),
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    hidden_size: s.hidden,
    head_dim: s.headDim,
    vocab_size: s.vocab,
    max_position_embeddings: s.context,
    ...aliases,
    use_cache: true,
    torch_dtype: options.weights === 'f16' ? 'float16' : 'float32',
    tdl: { model: e.model.graphName, ops: e.model.metadata['tdl.ops'] },
  };
}

/**
 * genai_config.json for onnxruntime-genai's decoder pipeline, or why there is none: it needs a model type
 * it knows, one decoder graph without an encoder's memory, and the same cache shape in every layer.
 */
export function genaiConfig(e: OnnxExport, options: OnnxConfigOptions): { readonly config: Record<string, unknown> } | { readonly skipped: string } {
  const type = options.hf?.modelType;
  if (!type || !GENAI_TYPES.has(type)) return { skipped: `onnxruntime-genai has no decoder type for ${type ? `'${type}'` : 'a model with no Hugging Face counterpart'}` };
  if (e.memory) return { skipped: 'onnxruntime-genai runs decoders with a memory input only with their encoder' };
  const s = sizes(e);
  if (e.caches.some((c) => c.kvHeads !== s.kvHeads || c.headDim !== s.headDim)) return { skipped: 'the layers differ in their cache shape' };
  const n = ONNX_DIMS_NAMES;
  return {
    config: {
      model: {
        type,
        context_length: s.context,
        vocab_size: s.vocab,
        decoder: {
          filename: 'model.onnx',
          session_options: { log_id: 'onnxruntime-genai', provider_options: [] },
          head_size: s.headDim,
          hidden_size: s.hidden,
          num_attention_heads: s.heads,
          num_key_value_heads: s.kvHeads,
          num_hidden_layers: s.layers,
          inputs: { input_ids: n.inputIds, attention_mask: n.attentionMask, position_ids: n.positionIds, past_key_names: n.pastKey, past_value_names: n.pastValue },
          outputs: { logits: n.logits, present_key_names: n.presentKey, present_value_names: n.presentValue },
        },
      },
      // Greedy by default, as `tdl run` at temperature 0. The graph concatenates past and new keys, so the
      // past and present buffers cannot be shared.
      search: {
        do_sample: false,
        num_beams: 1,
        num_return_sequences: 1,
        max_length: s.context,
        min_length: 0,
        temperature: 1.0,
        top_k: 1,
        top_p: 1.0,
        repetition_penalty: 1.0,
        length_penalty: 1.0,
        diversity_penalty: 0.0,
        no_repeat_ngram_size: 0,
        early_stopping: true,
        past_present_share_buffer: false,
      },
    },
  };
}
