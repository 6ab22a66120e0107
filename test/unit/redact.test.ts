import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthorizationError } from '../../src/core/errors';
import { parseCallbackParams } from '../../src/core/callback';
import { Redactor, redactPatterns } from '../../src/core/redact';

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
