/**
 * Per-attempt secrets of the authorize request: the PKCE pair (RFC 7636), `state` (RFC 6749 §10.12)
 * and the OIDC `nonce` (OIDC Core §3.1.2.1). All come from node:crypto's CSPRNG, never Math.random
 * (docs/security.md §8–10).
 */
import { createHash, randomBytes } from 'node:crypto';
import { InputError } from './errors';

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

// RFC 7636 §4.1: 43–128 characters of the unreserved set.
const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.1 recommends 32 octets base64url-encoded: 256 bits in 43 characters. */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))`, RFC 7636 §4.2. LINE accepts S256 only. */
export function computeCodeChallenge(codeVerifier: string): string {
  if (!CODE_VERIFIER_PATTERN.test(codeVerifier)) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'A PKCE code verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636 §4.1).',
      'codeVerifier',
    );
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export function createPkcePair(): PkcePair {
  const codeVerifier = createCodeVerifier();
  return { codeVerifier, codeChallenge: computeCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/**
 * 256 bits as lowercase hex. LINE asks for an alphanumeric `state`, and hex stays the same after
 * any URL encoding, so the value that comes back compares byte for byte.
 */
export function createState(): string {
  return randomBytes(32).toString('hex');
}

/** 256 bits as lowercase hex; it is echoed verbatim in the ID token's `nonce` claim. */
export function createNonce(): string {
  return randomBytes(32).toString('hex');
}
