// Everything the CLI does with the outside world: files (written atomically), standard streams.
import { closeSync, openSync, readSync, fstatSync, renameSync, writeFileSync, rmSync, readFileSync, mkdirSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { printable } from '@tdl/dsl';
import type { ByteSource } from '@tdl/runtime';
import { UsageError } from '@tdl/runtime';

/** Where a command writes: the process's streams, or buffers in tests. */
export interface CliIO {
  readonly stdout: { write(text: string): void; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): void; readonly isTTY?: boolean };
}

/**
 * `tdl: error: MESSAGE` and a newline. The message may quote what the user typed, so its control
 * characters are shown, never sent to the terminal; its own line breaks (a list of tensors) stay.
 */
export function errorLine(message: string): string {
  return `tdl: error: ${message.split('\n').map(printable).join('\n')}\n`;
}

/** Reads a text file (a model, a JSON file); binary or non-UTF-8 bytes are refused in one line. */
export function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  return decodeText(path, bytes);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or a UsageError saying where they stop being UTF-8 text. */
export function decodeText(path: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UsageError(`${path} is not a text file: it holds binary data (a zero byte at offset ${nul})`);
  try {
    return UTF8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new UsageError(`${path} is not UTF-8 text: byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at} starts no UTF-8 character`);
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** The length of the well-formed UTF-8 sequence at `i` (1–4 bytes), or 0 if there is none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
  const second = bytes[i + 1]!;
  if (lead === 0xe0 && second < 0xa0) return 0;
  if (lead === 0xed && second > 0x9f) return 0;
  if (lead === 0xf0 && second < 0x90) return 0;
  if (lead === 0xf4 && second > 0x8f) return 0;
  return length;
}

/** Writes a file through a temporary name and a rename, so a failure never leaves half a file. */
export function writeAtomic(path: string, chunks: string | Iterable<Uint8Array>): void {
  try {
    mkdirSync(dirname(path) || '.', { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the folder for ${path}: ${describeFsError(e)}`);
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    if (typeof chunks === 'string') writeFileSync(temp, chunks);
    else {
      const fd = openSync(temp, 'w');
      try {
        for (const c of chunks) {
          let done = 0;
          while (done < c.byteLength) done += writeSync(fd, c, done, c.byteLength - done);
        }
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${path}: ${describeFsError(e)}`);
  }
}

/** A safetensors (or any) file opened for random access, read piece by piece, never whole. */
export function openFileSource(path: string): ByteSource & { close(): void } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`cannot open ${path}: ${describeFsError(e)}`);
  }
  const size = fstatSync(fd).size;
  return {
    size,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) throw new UsageError(`${path}: the file ended early (truncated?)`);
        done += n;
      }
      return buf;
    },
    close: () => closeSync(fd),
  };
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file stands where a folder must be';
    case 'ENOSPC':
      return 'no space left on the disk';
    default:
      return err.message ?? String(e);
  }
}
