import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { LineEmulator } from '../../../emulator/index';
import {
  CALLBACK,
  CALLBACK_WITH_QUERY,
  WEB,
  start,
  pkce,
  authorizeUrl,
  authorize,
  location,
  exchange,
} from './fixtures';

describe('LINE emulator: authorize', () => {
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true });
  });
  after(async () => {
    await emulator.close();
  });

  test('auto-approve redirects to the exact redirect_uri with code and state', async () => {
    const response = await authorize(emulator, { state: 'st4te' });
    assert.equal(response.status, 302);
    const target = location(response);
    assert.equal(`${target.origin}${target.pathname}`, CALLBACK);
    assert.equal(target.searchParams.get('state'), 'st4te');
    assert.match(target.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{16,}$/);
    assert.equal(target.searchParams.has('friendship_status_changed'), false);
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('bot_prompt adds friendship_status_changed=false when auto-approving', async () => {
    const target = location(await authorize(emulator, { bot_prompt: 'normal' }));
    assert.equal(target.searchParams.get('friendship_status_changed'), 'false');
  });

  test('an unregistered redirect_uri gets LINE’s 400 page and no redirect', async () => {
    for (const redirectUri of [
      `${CALLBACK}/`,
      'http://127.0.0.1:33419/callback',
      'http://evil.example/callback',
      `${CALLBACK}#x`,
    ]) {
      const response = await authorize(emulator, { redirect_uri: redirectUri });
      assert.equal(response.status, 400, redirectUri);
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(
        await response.text(),
        /Invalid redirect_uri value\. Check if it is registered in a LINE developers site\./,
      );
    }
  });

  test('an unknown or missing client_id gets the 400 page too', async () => {
    for (const clientId of ['9999999999', undefined]) {
      const response = await authorize(emulator, { client_id: clientId });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    }
  });

  test('a registered callback with extra query parameters is accepted and its query kept as sent', async () => {
    const redirectUri = `${CALLBACK_WITH_QUERY}&extra=a%20b`;
    const response = await authorize(emulator, { redirect_uri: redirectUri, state: 's1' });
    assert.equal(response.status, 302);
    const value = response.headers.get('location') ?? '';
    assert.ok(value.startsWith(`${redirectUri}&code=`), value);
    assert.equal(new URL(value).searchParams.get('state'), 's1');
  });

  const errorCases: [string, Record<string, string | undefined>, string][] = [
    ['missing state', { state: undefined }, 'INVALID_REQUEST'],
    ['empty scope', { scope: '' }, 'INVALID_SCOPE'],
    ['unknown scope', { scope: 'profile friends' }, 'INVALID_SCOPE'],
    ['email without openid', { scope: 'profile email' }, 'INVALID_SCOPE'],
    ['neither profile nor openid', { scope: 'email' }, 'INVALID_SCOPE'],
    ['response_type=token', { response_type: 'token' }, 'UNSUPPORTED_RESPONSE_TYPE'],
    ['missing response_type', { response_type: undefined }, 'INVALID_REQUEST'],
    ['PKCE plain', { code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'INVALID_REQUEST'],
    ['PKCE without method', { code_challenge: pkce().challenge }, 'INVALID_REQUEST'],
    ['bad prompt', { prompt: 'select_account' }, 'INVALID_REQUEST'],
    ['bad max_age', { max_age: '-1' }, 'INVALID_REQUEST'],
    ['bad bot_prompt', { bot_prompt: 'always' }, 'INVALID_REQUEST'],
    ['unknown response_mode', { response_mode: 'fragment.jwt' }, 'INVALID_REQUEST'],
  ];
  for (const [name, params, error] of errorCases) {
    test(`${name} redirects with error=${error}`, async () => {
      const response = await authorize(emulator, { state: 'keep-me', ...params });
      assert.equal(response.status, 302);
      const target = location(response);
      assert.equal(target.searchParams.get('error'), error);
      assert.ok((target.searchParams.get('error_description') ?? '').length > 0);
      assert.equal(
        target.searchParams.get('state'),
        params['state'] === undefined && 'state' in params ? null : 'keep-me',
      );
      assert.equal(target.searchParams.has('code'), false);
    });
  }

  test("a missing state is INVALID_REQUEST with LINE's \"'state' is not specified.\" (ledger L10)", async () => {
    const target = location(await authorize(emulator, { state: undefined }));
    assert.equal(target.searchParams.get('error'), 'INVALID_REQUEST');
    assert.equal(target.searchParams.get('error_description'), "'state' is not specified.");
  });

  test('JWT response modes: the result travels in one ES256 `response` JWT verifiable with the JWKS (ledger L13)', async () => {
    const jwks = createLocalJWKSet(
      (await (await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).json()) as JSONWebKeySet,
    );
    for (const mode of ['query.jwt', 'jwt']) {
      const target = location(await authorize(emulator, { response_mode: mode, state: 'jarm-state' }));
      assert.equal(target.searchParams.has('code'), false, 'nothing outside the JWT');
      const { payload, protectedHeader } = await jwtVerify(target.searchParams.get('response') ?? '', jwks, {
        issuer: emulator.authorizeBaseUrl,
        audience: WEB.channelId,
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload['state'], 'jarm-state');
      assert.equal((await exchange(emulator, String(payload['code']))).status, 200);
    }
    const formPost = await authorize(emulator, { response_mode: 'form_post.jwt' });
    assert.equal(formPost.status, 200);
    assert.match(await formPost.text(), /name="response" value="ey/);
    const failed = location(await authorize(emulator, { response_mode: 'query.jwt', scope: 'friends' }));
    const { payload } = await jwtVerify(failed.searchParams.get('response') ?? '', jwks);
    assert.equal(payload['error'], 'INVALID_SCOPE');
  });

  test('a repeated parameter is INVALID_REQUEST (RFC 6749 §3.1)', async () => {
    const response = await fetch(`${authorizeUrl(emulator, { state: 'a' })}&scope=openid`, { redirect: 'manual' });
    assert.equal(location(response).searchParams.get('error'), 'INVALID_REQUEST');
  });

  test('response_mode=form_post answers an auto-submitting form under a nonce CSP', async () => {
    const response = await authorize(emulator, { response_mode: 'form_post', state: 'fp' });
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[^']+'/);
    assert.match(csp, /form-action http:\/\/127\.0\.0\.1:33418/);
    const html = await response.text();
    assert.match(html, new RegExp(`<form method="post" action="${CALLBACK.replace(/[.]/g, '\\.')}">`));
    assert.match(html, /name="code" value="[^"]+"/);
    assert.match(html, /name="state" value="fp"/);
  });
});
