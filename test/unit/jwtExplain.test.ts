import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { CompactEncrypt, SignJWT, UnsecuredJWT, base64url, generateSecret } from 'jose';

import { InputError } from '../../src/core/errors';
import {
  CLAIM_EXPLANATIONS,
  CLAIM_EXPLANATION_KEYS,
  decodeJwt,
  explainClaims,
  type ClaimExplanationKey,
} from '../../src/core/jwtExplain';

const NOW = new Date('2024-06-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

function assertInvalidJwt(input: string, message: RegExp): void {
  assert.throws(
    () => decodeJwt(input),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.code, 'ERR_INVALID_JWT');
      assert.equal(error.field, 'token');
      assert.match(error.message, message);
      if (input.length >= 8) {
        assert.ok(!error.message.includes(input.trim()), 'the input is not echoed');
      }
      return true;
    },
  );
}

describe('decodeJwt', () => {
  test('decodes header and claims of a signed JWT without verifying it', async () => {
    const token = await new SignJWT({ iss: 'https://access.line.me', sub: 'U1', amr: ['pwd'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('any secret at all'));
    const decoded = decodeJwt(`\n ${token} \n`);
    assert.deepEqual(decoded, {
      header: { alg: 'HS256', typ: 'JWT' },
      claims: { iss: 'https://access.line.me', sub: 'U1', amr: ['pwd'] },
      signaturePresent: true,
    });
  });

  test('an unsecured JWT decodes with signaturePresent false', () => {
    const decoded = decodeJwt(new UnsecuredJWT({ sub: 'U1' }).encode());
    assert.deepEqual(decoded.header, { alg: 'none' });
    assert.equal(decoded.signaturePresent, false);
  });

  test('empty input', () => {
    assertInvalidJwt('   ', /empty/);
  });

  test('an opaque token with no dots is recognised as not a JWT', () => {
    assertInvalidJwt(
      'Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0',
      /an opaque token, such as a LINE refresh token or access token, which is not a JWT/,
    );
  });

  test('a JWE is named as such', async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{"sub":"U1"}'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(await generateSecret('A256GCM'));
    assertInvalidJwt(jwe, /encrypted JWT \(JWE/);
  });

  test('the wrong number of parts', () => {
    assertInvalidJwt('aaaaaaaa.bbbbbbbb', /three parts.*this has 2/);
    assertInvalidJwt('a.b.c.d', /this has 4/);
  });

  test('garbage header or payload', () => {
    assertInvalidJwt('%%%%.%%%%.%%%%', /not a base64url-encoded JSON header/);
    assertInvalidJwt(`${base64url.encode('"just a string"')}.${base64url.encode('{}')}.sig`, /header/);
    // A LINE v2.1 access token: a readable JWT header over an opaque payload.
    const accessTokenLike = `${base64url.encode('{"alg":"HS256"}')}.${base64url.encode(new Uint8Array([0x81, 0xff, 0x00, 0x13]))}.c2ln`;
    assertInvalidJwt(accessTokenLike, /LINE access tokens look like this/);
    assertInvalidJwt(`${base64url.encode('{"alg":"HS256"}')}.${base64url.encode('[1,2,3]')}.sig`, /payload is not/);
  });
});

describe('explainClaims', () => {
  const claims = {
    custom: 'x',
    email: 'taro@example.com',
    iss: 'https://access.line.me',
    amr: ['pwd', 'lineautologin', 'lineqr', 'linesso', 'mfa'],
    sub: 'U4af4980629a0a0a0a0a0a0a0a0a0a0a0',
    aud: '1234567890',
    exp: NOW_S + 3600,
    iat: NOW_S - 90,
    auth_time: NOW_S - 3 * 86_400,
    nonce: 'n-1',
    name: 'Taro',
    picture: 'https://profile.line-scdn.net/abc',
    zzz: { nested: true },
  };

  test("lists LINE's claims in the documented order, then unknown claims in their own order", () => {
    const explained = explainClaims(claims, NOW);
    assert.deepEqual(
      explained.map((entry) => entry.claim),
      ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'name', 'picture', 'email', 'custom', 'zzz'],
    );
    for (const entry of explained) {
      assert.equal(entry.value, claims[entry.claim as keyof typeof claims]);
      assert.ok(entry.explanation.length > 0 && !entry.explanation.includes('\n'), entry.claim);
      assert.equal(entry.explanation, CLAIM_EXPLANATIONS[entry.explanationKey]);
    }
    const custom = explained.find((entry) => entry.claim === 'custom');
    assert.equal(custom?.explanationKey, 'unknown');
    assert.equal(explained.find((entry) => entry.claim === 'zzz')?.display, '{"nested":true}');
  });

  test('shows times as ISO UTC with a relative time', () => {
    const byClaim = new Map(explainClaims({ ...claims, nbf: NOW_S }, NOW).map((entry) => [entry.claim, entry]));
    assert.equal(byClaim.get('exp')?.display, '2024-06-01T13:00:00Z (in 1 hour)');
    assert.equal(byClaim.get('iat')?.display, '2024-06-01T11:58:30Z (2 minutes ago)');
    assert.equal(byClaim.get('auth_time')?.display, '2024-05-29T12:00:00Z (3 days ago)');
    assert.equal(byClaim.get('nbf')?.display, '2024-06-01T12:00:00Z (in 0 seconds)');
    assert.equal(byClaim.get('nbf')?.explanationKey, 'unknown');
    // A time claim of the wrong type is shown as is rather than as a date.
    assert.equal(explainClaims({ exp: '1717243200' }, NOW)[0]?.display, '1717243200');
  });

  test('explains each amr value LINE documents, and flags unknown ones', () => {
    const amr = explainClaims(claims, NOW).find((entry) => entry.claim === 'amr');
    assert.ok(amr);
    assert.equal(amr.explanationKey, 'amr');
    assert.equal(
      amr.display,
      'pwd (email address and password), lineautologin (LINE automatic login (including through the LINE SDK)), ' +
        'lineqr (QR code scanned with the LINE app), linesso (single sign-on (an existing LINE login session)), mfa (two-factor authentication)',
    );
    const odd = explainClaims({ amr: ['face', 3] }, NOW)[0];
    assert.equal(odd?.display, 'face (a method LINE does not document), 3');
  });

  test('every explanation key has an English text, and localized texts replace them', () => {
    assert.deepEqual([...CLAIM_EXPLANATION_KEYS].sort(), Object.keys(CLAIM_EXPLANATIONS).sort());
    for (const key of [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'amr',
      'name',
      'picture',
      'email',
      'unknown',
    ] as const) {
      assert.ok(CLAIM_EXPLANATION_KEYS.includes(key), key);
    }
    for (const method of ['pwd', 'lineautologin', 'lineqr', 'linesso', 'mfa']) {
      assert.ok(CLAIM_EXPLANATION_KEYS.includes(`amr.${method}` as ClaimExplanationKey), method);
    }
    const texts: Partial<Record<ClaimExplanationKey, string>> = { iss: '発行者', 'amr.lineqr': 'QRコード' };
    const explained = explainClaims(
      { iss: 'https://access.line.me', sub: 'U1', amr: ['lineqr'], exp: NOW_S + 300 },
      NOW,
      { texts, locale: 'ja' },
    );
    assert.equal(explained[0]?.explanation, '発行者');
    assert.equal(explained[1]?.explanation, CLAIM_EXPLANATIONS.sub, 'missing keys fall back to English');
    assert.equal(explained[2]?.display, '2024-06-01T12:05:00Z (5分後)');
    assert.equal(explained[3]?.display, 'lineqr (QRコード)');
  });

  test('defaults the clock to now and returns nothing for no claims', () => {
    assert.deepEqual(explainClaims({}), []);
    const display = explainClaims({ exp: Math.floor(Date.now() / 1000) + 7200 })[0]?.display ?? '';
    assert.match(display, /\(in 2 hours\)$/);
  });
});
