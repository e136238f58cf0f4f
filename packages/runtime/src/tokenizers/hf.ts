// Hugging Face tokenizer.json files (BPE, WordPiece, Unigram …) through @huggingface/tokenizers.
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { UsageError } from '../executor.js';
import type { StreamDecoder, Tokenizer } from './tokenizer.js';

/** Names that end text in common tokenizers, used when tokenizer_config.json gives no eos_token. */
const END_OF_TEXT = ['<|endoftext|>', '</s>', '<|end_of_text|>', '<|eot_id|>', '<eos>', '<|im_end|>'];

export class HfTokenizer implements Tokenizer {
  readonly name: string;
  readonly stopTokens: readonly number[];
  private readonly core: HfCore;
  /** Hugging Face's cleanup (dropping spaces before punctuation) only when the config asks for it: text stays byte-exact. */
  private readonly cleanUp: boolean;

  /** `json` is a parsed tokenizer.json; `config` a parsed tokenizer_config.json, if there is one. */
  constructor(json: unknown, config: Record<string, unknown> = {}, name = 'tokenizer.json') {
    if (typeof json !== 'object' || json === null || !('model' in json)) throw new UsageError(`${name} is not a Hugging Face tokenizer.json (it has no "model")`);
    try {
      this.core = new HfCore(json, config);
    } catch (e) {
      throw new UsageError(`${name} could not be loaded: ${(e as Error).message}`);
    }
    this.name = name;
    this.cleanUp = config['clean_up_tokenization_spaces'] === true;
    const eos = typeof config['eos_token'] === 'string' ? [config['eos_token']] : END_OF_TEXT;
    this.stopTokens = eos.map((t) => this.core.token_to_id(t)).filter((id): id is number => id !== undefined);
  }

  encode(text: string): number[] {
    return this.core.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return ids.length ? this.core.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: this.cleanUp }) : '';
  }

  /**
   * Decodes a growing list of ids, emitting text once it is complete: the last few tokens are decoded
   * again with their predecessors (byte-level and SentencePiece tokens only make sense in context),
   * and text ending in an incomplete character (U+FFFD) is held back.
   */
  streamDecoder(): StreamDecoder {
    const ids: number[] = [];
    let prefix = 0;
    let read = 0;
    return {
      push: (id) => {
        ids.push(id);
        const before = this.decode(ids.slice(prefix, read));
        const after = this.decode(ids.slice(prefix));
        if (after.length > before.length && !after.endsWith('\uFFFD')) {
          prefix = read;
          read = ids.length;
          return after.slice(before.length);
        }
        return '';
      },
      flush: () => {
        const rest = this.decode(ids.slice(prefix)).slice(this.decode(ids.slice(prefix, read)).length);
        prefix = read = ids.length;
        return rest;
      },
    };
  }
}
