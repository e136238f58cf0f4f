// Turns chat messages into prompt text: the model's own Jinja chat template (tokenizer_config.json's
// chat_template, rendered with @huggingface/jinja), or a plain default for models without one.
import { Template } from '@huggingface/jinja';
import { UsageError } from '@tdl/runtime';
import { ApiError } from './errors.js';
import type { ChatMessage } from './requests.js';

/**
 * The default: each message as `role: content` on its own line, then `assistant:` for the reply. Plain
 * enough for a model with no chat format to continue sensibly.
 */
export const PLAIN_TEMPLATE = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

export interface ChatFormat {
  /** Where the template came from, for the startup line. */
  readonly source: string;
  render(messages: readonly ChatMessage[]): string;
}

/**
 * `config`: tokenizer_config.json's fields (chat_template, bos_token, eos_token), if there is one.
 * A template that does not parse is refused at startup, not at the first request.
 */
export function chatFormat(config: Record<string, unknown> | undefined, source: string): ChatFormat {
  const raw = config?.['chat_template'];
  const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? namedDefault(raw) : undefined;
  const template = parseTemplate(text ?? PLAIN_TEMPLATE, text !== undefined ? source : 'the plain default');
  const specials = { bos_token: tokenText(config?.['bos_token']), eos_token: tokenText(config?.['eos_token']) };
  return {
    source: text !== undefined ? source : 'the plain default',
    render(messages) {
      try {
        return template.render({ messages, add_generation_prompt: true, ...specials });
      } catch (e) {
        // Templates raise errors on purpose (`raise_exception('Conversation roles must alternate')`).
        throw new ApiError(400, `the chat template refused these messages: ${(e as Error).message}`, 'invalid_request_error', 'messages');
      }
    },
  };
}

function parseTemplate(text: string, source: string): Template {
  try {
    return new Template(text);
  } catch (e) {
    throw new UsageError(`the chat template of ${source} does not parse: ${(e as Error).message}`);
  }
}

/** tokenizer_config.json may list templates by name; the one named 'default' is the chat template. */
function namedDefault(list: unknown[]): string | undefined {
  const entry = list.find((t) => typeof t === 'object' && t !== null && (t as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
  return typeof entry?.template === 'string' ? entry.template : undefined;
}

/** A special token as the config writes it: a string, or an object with its content. */
function tokenText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return '';
}
