/** Small node:http helpers for the emulator: body reading, form/cookie parsing. */

import type { IncomingMessage } from 'node:http';

/** LINE answers oversized requests with 413; the emulator needs some limit to stand in for it. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) {
        return;
      }
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    });
  });
}

export interface ParsedParams {
  /** Last value wins; use `duplicates` to refuse repeated parameters. */
  values: Record<string, string>;
  /** Names that occurred more than once (RFC 6749 §3.1/§3.2: parameters must not repeat). */
  duplicates: string[];
}

export function parseParams(params: URLSearchParams): ParsedParams {
  const seen = new Map<string, string>();
  const duplicates = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) {
      duplicates.add(name);
    }
    seen.set(name, value);
  }
  // Object.fromEntries defines own data properties, so a `__proto__` field stays an ordinary key.
  return { values: Object.fromEntries(seen), duplicates: [...duplicates] };
}

/** Reads a field without falling through to Object.prototype (`toString`, `constructor`, ...). */
export function field(record: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  return cookies;
}

/** Lower-cased header names, multi-valued headers joined as HTTP would fold them. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) {
      entries.push([name, Array.isArray(value) ? value.join(', ') : value]);
    }
  }
  return Object.fromEntries(entries);
}

/** `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
