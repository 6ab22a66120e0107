/**
 * LINE's JSON answers, read through small validators: LINE warns its JSON may gain fields, so unknown
 * fields are ignored, but a field of the wrong type or out of range is a malformed response named by
 * field, never a TypeError later.
 */
import { LineApiError } from './errors';
import { requestIdSuffix, withRequestId } from './lineFailures';
import type { LineResponse } from './lineHttp';
import { isRecord } from './jsonRecord';

export type JsonObject = Record<string, unknown>;

export function malformed(response: LineResponse, what: string): LineApiError {
  return new LineApiError(
    'ERR_LINE_MALFORMED_RESPONSE',
    `LINE's answer to ${response.endpoint} ${what}.${requestIdSuffix(response.requestId)}`,
    withRequestId({ endpoint: response.endpoint, status: response.status }, response.requestId),
  );
}

export function parseJsonObject(response: LineResponse): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw malformed(
      response,
      response.body.trim() === ''
        ? 'was empty where JSON was expected'
        : 'was not valid JSON (truncated, or a proxy page?)',
    );
  }
  if (!isRecord(parsed)) {
    throw malformed(response, 'was JSON but not an object');
  }
  return parsed;
}

const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]{1,8192}=*$/;

/** Small validators: a wrong type is a malformed response, named by field, never a TypeError later. */
export class JsonReader {
  constructor(
    private readonly json: JsonObject,
    private readonly response: LineResponse,
  ) {}

  string(field: string): string {
    const value = this.json[field];
    if (typeof value !== 'string' || value === '') {
      throw malformed(this.response, `has no valid "${field}" (expected a non-empty string)`);
    }
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw malformed(this.response, `has a "${field}" that is not a string`);
    }
    return value;
  }

  /**
   * A token as RFC 6750 §2.1 defines its characters (b64token; LINE's tokens and JWTs fit): anything
   * else would break the Authorization header it is sent in, or is not a token at all.
   */
  token(field: string): string {
    const value = this.string(field);
    if (!TOKEN_PATTERN.test(value)) {
      throw malformed(this.response, `has a "${field}" that is not a token (RFC 6750 characters, at most 8192)`);
    }
    return value;
  }

  optionalToken(field: string): string | undefined {
    return this.json[field] === undefined || this.json[field] === null ? undefined : this.token(field);
  }

  number(field: string): number {
    const value = this.json[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw malformed(this.response, `has no valid "${field}" (expected a number)`);
    }
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw malformed(this.response, `has a "${field}" that is not a number`);
    }
    return value;
  }

  /** A whole number of seconds within [min, max]: a duration outside it is a broken answer, not data to store. */
  seconds(field: string, range: { min: number; max: number }): number {
    const value = this.number(field);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw malformed(
        this.response,
        `has an "${field}" of ${String(value)}, not a whole number of seconds from ${range.min} to ${range.max}`,
      );
    }
    return value;
  }

  boolean(field: string): boolean {
    const value = this.json[field];
    if (typeof value !== 'boolean') {
      throw malformed(this.response, `has no valid "${field}" (expected true or false)`);
    }
    return value;
  }

  optionalStringArray(field: string): string[] | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw malformed(this.response, `has an "${field}" that is not a list of strings`);
    }
    return value;
  }

  /** `aud` may be a string (LINE) or an array of strings (OIDC allows it). */
  audience(field: string): string {
    const value = this.json[field];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
    if (Array.isArray(value) && typeof value[0] === 'string') {
      return value[0];
    }
    throw malformed(this.response, `has no valid "${field}"`);
  }
}
