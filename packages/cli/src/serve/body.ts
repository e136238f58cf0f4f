// Reads a request body as JSON within a size limit; too large, cut short or not JSON is an ApiError.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (part: Buffer) => {
      if (failed) return;
      size += part.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      parts.push(part);
    });
    req.on('error', () => {
      failed = true;
      reject(new ApiError(400, 'the request body could not be read'));
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(parts).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ApiError(400, text.trim() === '' ? 'the request has no body: send a JSON object' : 'the request body is not valid JSON'));
      }
    });
  });
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `the request body is larger than ${limit} bytes`, 'invalid_request_error', null, 'body_too_large');
}
