// Endpoint overrides (docs/security.md §14): https anywhere; plain http only on this machine, and
// for what Node.js fetches only where no DNS answer can take the channel secret elsewhere.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateApiBaseUrl, validateAuthorizeBaseUrl } from '../../src/core/endpoints';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { isLoopbackHost, isLoopbackHostWithoutDns } from '../../src/core/loopback';

describe('endpoint overrides (docs/security.md §14)', () => {
  test('both: https anywhere, http on IP loopback literals and localhost, nothing with credentials or query', () => {
    for (const validate of [validateAuthorizeBaseUrl, validateApiBaseUrl]) {
      assert.equal(validate('https://api.line.me/', 'x'), 'https://api.line.me');
      assert.equal(validate('https://emulator.localhost:9400', 'x'), 'https://emulator.localhost:9400');
      assert.equal(validate('http://127.0.0.1:9400', 'x'), 'http://127.0.0.1:9400');
      assert.equal(validate('http://127.1.2.3:9400/', 'x'), 'http://127.1.2.3:9400');
      assert.equal(validate('http://[::1]:9400', 'x'), 'http://[::1]:9400');
      assert.equal(validate('http://localhost:9400', 'x'), 'http://localhost:9400');
      assert.throws(() => validate('http://evil.example', 'lineLogin.apiBaseUrl'), {
        code: 'ERR_INVALID_ENDPOINT',
        field: 'lineLogin.apiBaseUrl',
      });
      for (const refused of [
        'http://localhost.evil.example',
        'http://10.0.0.1:9400',
        'not a url',
        'https://user:pw@api.line.me',
        'https://api.line.me/?x=1',
      ]) {
        assert.throws(() => validate(refused, 'x'), { code: 'ERR_INVALID_ENDPOINT' }, refused);
      }
    }
  });

  test('the browser-facing authorize URL may use http with a *.localhost name (the browser maps it itself)', () => {
    assert.equal(
      validateAuthorizeBaseUrl('http://line-emulator.localhost:9400'),
      'http://line-emulator.localhost:9400',
    );
  });

  test('the API base URL, fetched by Node.js, refuses http with a *.localhost name and says what to use', () => {
    assert.throws(
      () => validateApiBaseUrl('http://line-emulator.localhost:9400'),
      (error: unknown) => {
        assert.ok(error instanceof Error && 'code' in error);
        assert.equal(error.code, 'ERR_INVALID_ENDPOINT');
        assert.match(error.message, /DNS/);
        assert.match(error.message, /http:\/\/127\.0\.0\.1:9400/);
        return true;
      },
    );
    assert.equal(isLoopbackHost('line-emulator.localhost'), true, 'still this machine for a browser and Host checks');
    assert.equal(isLoopbackHostWithoutDns('line-emulator.localhost'), false);
    assert.equal(isLoopbackHostWithoutDns('localhost'), true);
    assert.equal(isLoopbackHostWithoutDns('[::1]'), true);
  });

  test('the LINE client and the JWKS refuse it too, before anything is sent', () => {
    let requests = 0;
    const fetch = (): Promise<Response> => {
      requests += 1;
      return Promise.resolve(new Response('{}'));
    };
    assert.throws(
      () =>
        new LineLoginClient({
          endpoints: {
            authorizeBaseUrl: 'http://line-emulator.localhost:9400',
            apiBaseUrl: 'http://line-emulator.localhost:9400',
          },
          fetch,
        }),
      { code: 'ERR_INVALID_ENDPOINT', field: 'lineLogin.apiBaseUrl' },
    );
    assert.throws(() => createLineJwks('http://line-emulator.localhost:9400', { fetch }), {
      code: 'ERR_INVALID_ENDPOINT',
    });
    assert.equal(requests, 0);
    // What `npm start` and the extension-host tests configure: the browser-facing name, the API on 127.0.0.1.
    const client = new LineLoginClient({
      endpoints: { authorizeBaseUrl: 'http://line-emulator.localhost:9400', apiBaseUrl: 'http://127.0.0.1:9400' },
      fetch,
    });
    assert.equal(client.endpoints.authorizeBaseUrl, 'http://line-emulator.localhost:9400');
  });
});
