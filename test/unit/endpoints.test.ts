import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateBaseUrl } from '../../src/core/endpoints';
import { isLoopbackHost } from '../../src/core/loopback';

describe('endpoint overrides (docs/security.md §14)', () => {
  test('https anywhere; http only on loopback and *.localhost', () => {
    assert.equal(validateBaseUrl('https://api.line.me/', 'lineLogin.apiBaseUrl'), 'https://api.line.me');
    assert.equal(validateBaseUrl('http://127.0.0.1:9400', 'x'), 'http://127.0.0.1:9400');
    assert.equal(validateBaseUrl('http://line-emulator.localhost:9400', 'x'), 'http://line-emulator.localhost:9400');
    assert.equal(validateBaseUrl('http://[::1]:9400', 'x'), 'http://[::1]:9400');
    assert.throws(() => validateBaseUrl('http://evil.example', 'lineLogin.apiBaseUrl'), {
      code: 'ERR_INVALID_ENDPOINT',
      field: 'lineLogin.apiBaseUrl',
    });
    assert.throws(() => validateBaseUrl('http://localhost.evil.example', 'x'), { code: 'ERR_INVALID_ENDPOINT' });
    assert.throws(() => validateBaseUrl('not a url', 'x'), { code: 'ERR_INVALID_ENDPOINT' });
    assert.throws(() => validateBaseUrl('https://user:pw@api.line.me', 'x'), { code: 'ERR_INVALID_ENDPOINT' });
    assert.equal(isLoopbackHost('127.1.2.3'), true);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
  });
});
