// Everything the CLI does with the outside world: files (written atomically), standard streams.
import { closeSync, openSync, readSync, fstatSync, renameSync, writeFileSync, rmSync, readFileSync, mkdirSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { ByteSource } from '@tdl/runtime';
import { UsageError } from '@tdl/runtime';

/** Where a command writes: the process's streams, or buffers in tests. */
export interface CliIO {
  readonly stdout: { write(text: string): void; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): void; readonly isTTY?: boolean };
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
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
    case 'ENOSPC':
      return 'no space left on the disk';
    default:
      return err.message ?? String(e);
  }
}
