// The file in the address bar: `#code=` and the UTF-8 text in base64url, so a model is shared as a link.
const KEY = 'code=';

export function encodeShare(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return `#${KEY}${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The text a hash holds, or undefined when it holds none (or not valid base64url UTF-8). */
export function decodeShare(hash: string): string | undefined {
  const at = hash.indexOf(KEY);
  if (at < 0) return undefined;
  try {
    const binary = atob(hash.slice(at + KEY.length).replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
