import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redactor, redactPatterns, tokenPreview } from '../../src/core/redact';

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
