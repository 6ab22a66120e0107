import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthorizationError } from '../../src/core/errors';
import { parseCallbackParams } from '../../src/core/callback';
import { Redactor, redactPatterns, tokenPreview } from '../../src/core/redact';

const STATE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe("redaction keeps LINE's error codes readable", () => {
  test("LINE's and OAuth's error codes next to a secret-carrying field name stay readable", () => {
    for (const text of [
      'LINE returned an error instead of an authorization code: INVALID_SCOPE',
      'authorization code: invalid_grant (invalid refresh token)',
      "{ code: 'ACCESS_DENIED', state: 'login_required' }",
      '{"code":"ERR_LINE_INVALID_GRANT"}',
      'error=access_denied&code=interaction_required',
    ]) {
      assert.equal(new Redactor().redact(text), text);
    }
  });

  test('a whole error redirect message: the code stays, no secret is shown', () => {
    const error = (() => {
      try {
        return parseCallbackParams(
          new URLSearchParams({ error: 'INVALID_SCOPE', error_description: 'scope is invalid', state: STATE }),
          STATE,
        );
      } catch (caught) {
        return caught;
      }
    })();
    assert.ok(error instanceof AuthorizationError);
    const redactor = new Redactor();
    redactor.add(STATE);
    const logged = redactor.redact(`lineLogin.signIn failed: ${error.code} ${error.message}`);
    assert.match(logged, /INVALID_SCOPE/);
    assert.match(logged, /scope is invalid/);
    assert.doesNotMatch(logged, /REDACTED/);
  });

  test('tokens and codes in the same places are still masked', () => {
    const text = redactPatterns(
      'authorization code: Zq8xCodeValue123 code=abcDEF123456 {"access_token":"tokvalue"} state: 0123456789abcdef',
    );
    for (const leaked of ['Zq8xCodeValue123', 'abcDEF123456', 'tokvalue', '0123456789abcdef']) {
      assert.ok(!text.includes(leaked), `${leaked} leaked in ${text}`);
    }
  });

  test('property: any random secret in a secret-carrying field is masked, in every field syntax (2,000 cases)', () => {
    const field = fc.constantFrom('code', 'state', 'nonce', 'access_token', 'refresh_token', 'client_secret');
    // LINE's codes and tokens: letters, digits and - . _ ~ + / (never one of the error words, by construction).
    const secret = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9\-._~+/]{11,63}$/);
    const shape = fc.constantFrom(
      (f: string, v: string) => `?${f}=${v}&x=1`,
      (f: string, v: string) => `{"${f}":"${v}"}`,
      (f: string, v: string) => `{ ${f}: '${v}' }`,
      (f: string, v: string) => `the ${f}: ${v} was used`,
    );
    fc.assert(
      fc.property(field, secret, shape, (name, value, format) => {
        const redacted = redactPatterns(format(name, value));
        return !redacted.includes(value);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('redaction', () => {
  test('masks known secrets, also URL-encoded, and JWTs, Bearer values and secret-carrying fields it was never told about', () => {
    const redactor = new Redactor();
    redactor.add('my/channel+secret');
    const text = redactor.redact(
      'secret=my/channel+secret enc=my%2Fchannel%2Bsecret jwt=eyJabc.eyJdef.ghi Authorization: Bearer abc/def+ghi ' +
        'POST code=abc123&state=xyz&code_verifier=vvv {"access_token":"tok","refresh_token":"rt","client_secret":"cs"}',
    );
    for (const leaked of [
      'my/channel+secret',
      'my%2Fchannel%2Bsecret',
      'eyJabc',
      'abc/def+ghi',
      'abc123',
      'xyz',
      'vvv',
      '"tok"',
      '"rt"',
      '"cs"',
    ]) {
      assert.ok(!text.includes(leaked), `${leaked} leaked in ${text}`);
    }
    assert.match(text, /Bearer \[REDACTED\]/);
  });

  test('leaves ordinary text alone and ignores too-short secrets', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    assert.equal(
      redactor.redact('GET /v2/profile · 200 · 12 ms · x-line-request-id=abc'),
      'GET /v2/profile · 200 · 12 ms · x-line-request-id=abc',
    );
    assert.equal(redactPatterns('the code path is fine'), 'the code path is fine');
  });

  test('addTokenSet remembers the access, refresh and ID tokens of an account, opaque ones too', () => {
    const redactor = new Redactor();
    redactor.addTokenSet({
      accessToken: 'opaque-access-1234',
      refreshToken: 'opaque-refresh-5678',
      idToken: 'id.token.value9',
    });
    redactor.addTokenSet({ accessToken: 'second-access-0000' });
    assert.equal(
      redactor.redact('a=opaque-access-1234 r=opaque-refresh-5678 i=id.token.value9 b=second-access-0000'),
      'a=[REDACTED] r=[REDACTED] i=[REDACTED] b=[REDACTED]',
    );
  });

  test('tokenPreview shows at most six characters', () => {
    assert.equal(tokenPreview('abcdefghijklmnopqrstuvwxyz'), 'abcdef…');
    assert.equal(tokenPreview('short'), '…');
  });
});
