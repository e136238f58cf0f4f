// Chat templates render as transformers renders them (fixtures from scripts/fixtures/make_chat_templates.py),
// errors they raise are a 400 for the request, and one that does not parse is refused at startup.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatFormat, PLAIN_TEMPLATE } from '../src/serve/chat-template.js';
import { ApiError } from '../src/serve/errors.js';
import type { ChatMessage } from '../src/serve/requests.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly bos_token: string;
  readonly eos_token: string;
  readonly messages: ChatMessage[];
  readonly expected: string;
}

const CASES = JSON.parse(readFileSync(new URL('./fixtures/chat-templates.json', import.meta.url), 'utf8')) as Case[];

describe('chat templates', () => {
  it.each(CASES.map((c, i) => [`${c.name} #${i}`, c] as const))('%s renders as transformers renders it', (_, c) => {
    const format = chatFormat({ chat_template: c.template, bos_token: c.bos_token, eos_token: { content: c.eos_token } }, 'tokenizer_config.json');
    expect(format.source).toBe('tokenizer_config.json');
    expect(format.render(c.messages)).toBe(c.expected);
  });

  it('takes the template named default from a list of named templates', () => {
    const format = chatFormat({ chat_template: [{ name: 'tool_use', template: 'tools' }, { name: 'default', template: '{{ messages[0].content }}!' }] }, 'cfg');
    expect(format.render([{ role: 'user', content: 'hi' }])).toBe('hi!');
  });

  it('falls back to the plain role: content template', () => {
    const format = chatFormat(undefined, '');
    expect(format.source).toBe('the plain default');
    expect(format.render([{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }])).toBe('system: S\nuser: U\nassistant:');
    expect(chatFormat({ bos_token: '<s>' }, 'cfg').source).toBe('the plain default');
    expect(PLAIN_TEMPLATE).toContain('add_generation_prompt');
  });

  it("turns the template's raise_exception into a 400 about the messages", () => {
    const inst = CASES.find((c) => c.name === 'inst')!;
    const format = chatFormat({ chat_template: inst.template, bos_token: '<s>', eos_token: '</s>' }, 'cfg');
    let error: unknown;
    try {
      format.render([{ role: 'assistant', content: 'first' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('roles must alternate user/assistant');
  });

  it('refuses a template that does not parse when the server starts', () => {
    expect(() => chatFormat({ chat_template: '{% for m in messages %}' }, 'x/tokenizer_config.json')).toThrow(/chat template of x\/tokenizer_config.json does not parse/);
  });
});
