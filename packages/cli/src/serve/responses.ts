// The JSON bodies and stream chunks of OpenAI's completion and chat-completion responses.
import type { ChoiceResult, FinishReason } from './choices.js';
import type { ApiRequest } from './requests.js';

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** Fields every chunk and response of one request carries. */
export interface Envelope {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function usageOf(promptTokens: number, results: readonly { tokens: number }[]): Usage {
  const completion = results.reduce((n, r) => n + r.tokens, 0);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

/** The whole answer of a request that did not stream. */
export function fullResponse(kind: ApiRequest['kind'], env: Envelope, results: readonly ChoiceResult[], usage: Usage): object {
  if (kind === 'chat') {
    return {
      ...env,
      object: 'chat.completion',
      choices: results.map((r, index) => ({ index, message: { role: 'assistant', content: r.text }, finish_reason: r.finishReason, logprobs: null })),
      usage,
    };
  }
  return { ...env, object: 'text_completion', choices: results.map((r, index) => ({ index, text: r.text, finish_reason: r.finishReason, logprobs: null })), usage };
}

/** A streamed chunk: new text of one choice, or its end (`finish` set, text empty). */
export function chunk(kind: ApiRequest['kind'], env: Envelope, index: number, text: string, finish: FinishReason | null, first = false): object {
  if (kind === 'chat') {
    const delta = finish ? {} : first ? { role: 'assistant', content: text } : { content: text };
    return { ...env, object: 'chat.completion.chunk', choices: [{ index, delta, finish_reason: finish, logprobs: null }] };
  }
  return { ...env, object: 'text_completion', choices: [{ index, text, finish_reason: finish, logprobs: null }] };
}

/** The last chunk before [DONE] when the client asked for usage (stream_options.include_usage). */
export function usageChunk(kind: ApiRequest['kind'], env: Envelope, usage: Usage): object {
  return { ...env, object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', choices: [], usage };
}
