import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeCodeChallenge,
  createCodeVerifier,
  createNonce,
  createPkcePair,
  createState,
} from '../../src/core/pkce';

const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

describe('PKCE (RFC 7636)', () => {
  test('computes the Appendix B S256 vector', () => {
    // The challenge as printed in RFC 7636 Appendix B (and as `openssl dgst -sha256 -binary | base64url` gives).
    assert.equal(
      computeCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  test('a code verifier is 32 random bytes as base64url: 43 unreserved characters', () => {
    for (let i = 0; i < 50; i++) {
      const verifier = createCodeVerifier();
      assert.equal(verifier.length, 43);
      assert.match(verifier, UNRESERVED);
      assert.equal(Buffer.from(verifier, 'base64url').length, 32);
    }
  });

  test('code verifiers are unique', () => {
    const verifiers = new Set(Array.from({ length: 1000 }, () => createCodeVerifier()));
    assert.equal(verifiers.size, 1000);
  });

  test('a challenge is base64url SHA-256 without padding (43 characters)', () => {
    const challenge = computeCodeChallenge(createCodeVerifier());
    assert.equal(challenge.length, 43);
    assert.match(challenge, BASE64URL);
  });

  test('accepts verifiers of 43 and 128 characters using the whole unreserved set', () => {
    assert.doesNotThrow(() => computeCodeChallenge('a'.repeat(43)));
    assert.doesNotThrow(() => computeCodeChallenge('A-._~z9'.repeat(18).slice(0, 128)));
  });

  for (const [label, verifier] of [
    ['empty', ''],
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', `${'a'.repeat(42)} `],
    ['a "+"', `${'a'.repeat(42)}+`],
    ['a "/"', `${'a'.repeat(42)}/`],
    ['a "="', `${'a'.repeat(42)}=`],
    ['non-ASCII', `${'a'.repeat(42)}é`],
    ['a newline', `${'a'.repeat(43)}\n`],
  ] as const) {
    test(`rejects a verifier with ${label} as ERR_INVALID_INPUT`, () => {
      assert.throws(() => computeCodeChallenge(verifier), { name: 'InputError', code: 'ERR_INVALID_INPUT' });
    });
  }

  test('createPkcePair returns a matching S256 pair', () => {
    const pair = createPkcePair();
    assert.equal(pair.codeChallengeMethod, 'S256');
    assert.equal(pair.codeVerifier.length, 43);
    assert.equal(pair.codeChallenge, computeCodeChallenge(pair.codeVerifier));
    assert.notEqual(createPkcePair().codeVerifier, pair.codeVerifier);
  });
});

describe('state and nonce', () => {
  for (const [name, create] of [
    ['state', createState],
    ['nonce', createNonce],
  ] as const) {
    test(`${name} is alphanumeric with at least 128 bits`, () => {
      const value = create();
      assert.match(value, /^[0-9a-f]+$/);
      // Hex: 4 bits per character.
      assert.ok(value.length * 4 >= 128, `${name} has ${value.length * 4} bits`);
      assert.equal(encodeURIComponent(value), value);
    });

    test(`${name} values are unique`, () => {
      const values = new Set(Array.from({ length: 1000 }, () => create()));
      assert.equal(values.size, 1000);
    });
  }
});
