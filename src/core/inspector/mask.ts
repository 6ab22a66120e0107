/**
 * Masking at capture: what the Inspector records goes through here first, so no trace ever holds a
 * secret in full. Field names come from redact.ts (the one list of secret-carrying fields); values
 * keep at most tokenPreview's short prefix, enough to tell two attempts apart.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { isSecretField, Redactor, tokenPreview } from '../redact';
import type { DecodedIdToken, JsonValue } from './model';

/** Claims of an ID token that are secret (nonce) or personal (email). */
const MASKED_CLAIMS = new Set(['nonce', 'email']);

export function maskSecret(value: string): string {
  return tokenPreview(value);
}

/** `taro@example.com` → `ta…@example.com`: enough to recognise, not to collect. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  return at <= 0 ? maskSecret(value) : `${value.slice(0, Math.min(2, at))}…${value.slice(at)}`;
}

/** A request or callback's fields: secret ones reduced to a prefix, the rest through the redactor. */
export function maskParams(params: Iterable<[string, string]>, redactor: Redactor): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of params) {
    masked[name] = isSecretField(name) ? maskSecret(value) : redactor.redact(value);
  }
  return masked;
}

export function maskHeaders(headers: Record<string, string>, redactor: Redactor): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      const [scheme, credential] = value.split(/\s+/, 2);
      masked[lower] = credential === undefined ? '…' : `${scheme ?? ''} ${maskSecret(credential)}`;
    } else if (lower === 'content-type' || lower === 'accept') {
      masked[lower] = redactor.redact(value);
    }
  }
  return masked;
}

/** A JSON body's top-level fields; nested values are kept only as far as they hold no secret field. */
export function maskJson(value: unknown, redactor: Redactor, depth = 0): JsonValue {
  if (typeof value === 'string') {
    return redactor.redact(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return value;
  }
  if (depth > 4) {
    return '…';
  }
  if (Array.isArray(value)) {
    return value.map((item) => maskJson(item, redactor, depth + 1));
  }
  if (typeof value === 'object') {
    const masked: Record<string, JsonValue> = {};
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
      masked[name] =
        isSecretField(name) && typeof field === 'string' ? maskSecret(field) : maskJson(field, redactor, depth + 1);
    }
    return masked;
  }
  return '…';
}

/** Header and claims of an ID token, nonce and email masked; undefined when it is not a JWT. */
export function decodeIdTokenMasked(idToken: string, redactor: Redactor): DecodedIdToken | undefined {
  try {
    const header = maskJson(decodeProtectedHeader(idToken), redactor);
    const claims: Record<string, JsonValue> = {};
    for (const [name, value] of Object.entries(decodeJwt(idToken))) {
      if (MASKED_CLAIMS.has(name) && typeof value === 'string') {
        claims[name] = name === 'email' ? maskEmail(value) : maskSecret(value);
      } else {
        claims[name] = maskJson(value, redactor);
      }
    }
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? { header, claims } : undefined;
  } catch {
    return undefined;
  }
}
