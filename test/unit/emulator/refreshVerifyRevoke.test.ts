import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IssuedTokens, LineEmulator } from '../../../emulator/index';
import {
  WEB,
  DAY,
  clock,
  start,
  postForm,
  json,
  login,
  refresh,
  verifyAccessToken,
  assertOAuthError,
} from './fixtures';

describe('LINE emulator: refresh, verify, revoke', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  test('verify answers scope, client_id and the seconds left; the token must be URL-encoded', async () => {
    const tokens = await login(emulator, { scope: 'openid profile email' });
    time.advance(1000);
    const response = await verifyAccessToken(emulator, tokens.access_token);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      scope: 'openid profile',
      client_id: WEB.channelId,
      expires_in: 2592000 - 1,
    });
    // Unencoded, `+` arrives as a space: the token is then unknown, as at LINE.
    await assertOAuthError(
      await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${tokens.access_token}`),
      400,
      'invalid_request',
      'access token invalid',
    );
  });

  test('verify says expired after 30 days', async () => {
    const tokens = await login(emulator);
    time.advance(30 * DAY);
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token expired',
    );
  });

  test('refresh returns a new access and refresh token, no id_token, and kills the old pair', async () => {
    const tokens = await login(emulator);
    const response = await refresh(emulator, tokens.refresh_token);
    assert.equal(response.status, 200);
    const body = await json<IssuedTokens>(response);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.notEqual(body.access_token, tokens.access_token);
    assert.notEqual(body.refresh_token, tokens.refresh_token);
    assert.equal(body.scope, 'profile openid');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 2592000);

    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token),
      400,
      'invalid_grant',
      'invalid refresh token',
    );
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    assert.equal((await verifyAccessToken(emulator, body.access_token)).status, 200);
  });

  test('the refresh token dies 90 days after the ORIGINAL issue, however often it was refreshed', async () => {
    let tokens = await login(emulator);
    for (const step of [40 * DAY, 40 * DAY, 9 * DAY]) {
      time.advance(step);
      const response = await refresh(emulator, tokens.refresh_token);
      assert.equal(response.status, 200, 'within 90 days of the first sign-in');
      tokens = await json<IssuedTokens>(response);
    }
    time.advance(DAY);
    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token),
      400,
      'invalid_grant',
      'invalid refresh token',
    );
  });

  test('refresh checks client_secret when it is sent, and accepts it left out', async () => {
    const tokens = await login(emulator);
    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token, { client_secret: 'nope' }),
      400,
      'invalid_client',
    );
    const withoutSecret = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: WEB.channelId,
    });
    assert.equal(withoutSecret.status, 200);
  });

  test('revoke answers 200 with an empty body and ends the access and refresh token', async () => {
    const tokens = await login(emulator);
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: tokens.access_token,
      client_id: WEB.channelId,
      client_secret: WEB.channelSecret,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '0');
    assert.equal(await response.text(), '');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    await assertOAuthError(await refresh(emulator, tokens.refresh_token), 400, 'invalid_grant');
  });

  test('revoke of an unknown token is the same empty 200', async () => {
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: 'never-issued',
      client_id: WEB.channelId,
      client_secret: WEB.channelSecret,
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });
});
