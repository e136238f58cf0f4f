// llama.cpp's tensor names for the LLaMA family, from Meta's original names (the layout llama.cpp keeps:
// query and key rows in the interleaved rotary order), and the GGUF metadata keys of its hyper-parameters.

const FIXED: Readonly<Record<string, string>> = {
  'tok_embeddings.weight': 'token_embd.weight',
  'norm.weight': 'output_norm.weight',
  'output.weight': 'output.weight',
};

const PER_LAYER: Readonly<Record<string, string>> = {
  'attention_norm.weight': 'attn_norm.weight',
  'attention.wq.weight': 'attn_q.weight',
  'attention.wk.weight': 'attn_k.weight',
  'attention.wv.weight': 'attn_v.weight',
  'attention.wo.weight': 'attn_output.weight',
  'ffn_norm.weight': 'ffn_norm.weight',
  'feed_forward.w1.weight': 'ffn_gate.weight',
  'feed_forward.w2.weight': 'ffn_down.weight',
  'feed_forward.w3.weight': 'ffn_up.weight',
};

/** The GGUF name of a tensor in Meta's LLaMA naming (`layers.3.attention.wq.weight` → `blk.3.attn_q.weight`), or undefined. */
export function llamaGgufName(metaName: string): string | undefined {
  const fixed = FIXED[metaName];
  if (fixed) return fixed;
  const m = /^layers\.(\d+)\.(.+)$/.exec(metaName);
  const rest = m ? PER_LAYER[m[2]!] : undefined;
  return rest ? `blk.${m![1]}.${rest}` : undefined;
}

/** llama.cpp's llama_ftype numbers for files mostly in one block format (general.file_type). */
export const LLAMA_FILE_TYPE = { Q4_0: 2, Q8_0: 7 } as const;

/** ggml's quantization version of the block formats (general.quantization_version). */
export const GGML_QUANTIZATION_VERSION = 2;
