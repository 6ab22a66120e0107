import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IssuedTokens, LineEmulator } from '../../../emulator/index';
import {
  WEB,
  NATIVE,
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

  test('refresh returns a new access token and the SAME refresh token, no id_token; the old access token stops (ledger L2, L3)', async () => {
    const tokens = await login(emulator);
    const response = await refresh(emulator, tokens.refresh_token);
    assert.equal(response.status, 200);
    const body = await json<IssuedTokens>(response);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.notEqual(body.access_token, tokens.access_token);
    assert.equal(body.refresh_token, tokens.refresh_token, "LINE's reference: the refresh token that was sent");
    assert.equal(body.scope, 'profile openid');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 2592000);

    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    assert.equal((await verifyAccessToken(emulator, body.access_token)).status, 200);
    // The same refresh token keeps working, and each refresh ends the access token before it.
    const again = await json<IssuedTokens>(await refresh(emulator, tokens.refresh_token));
    assert.equal(again.refresh_token, tokens.refresh_token);
    assert.equal((await verifyAccessToken(emulator, body.access_token)).status, 400);
    assert.equal((await verifyAccessToken(emulator, again.access_token)).status, 200);
  });

  test('refreshTokenRotation: a new refresh token each time, and the sent one dies', async () => {
    const rotating = await start({ autoApprove: true, now: time.now, refreshTokenRotation: true });
    try {
      const tokens = await login(rotating);
      const body = await json<IssuedTokens>(await refresh(rotating, tokens.refresh_token));
      assert.notEqual(body.refresh_token, tokens.refresh_token);
      await assertOAuthError(
        await refresh(rotating, tokens.refresh_token),
        400,
        'invalid_grant',
        'invalid refresh token',
      );
      assert.equal((await refresh(rotating, body.refresh_token)).status, 200);
    } finally {
      await rotating.close();
    }
  });

  test('refreshRevokesOldAccessToken: false keeps the replaced access token alive until it expires', async () => {
    const lenient = await start({ autoApprove: true, now: time.now, refreshRevokesOldAccessToken: false });
    try {
      const tokens = await login(lenient);
      const body = await json<IssuedTokens>(await refresh(lenient, tokens.refresh_token));
      assert.equal((await verifyAccessToken(lenient, tokens.access_token)).status, 200);
      assert.equal((await verifyAccessToken(lenient, body.access_token)).status, 200);
    } finally {
      await lenient.close();
    }
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

  test('refresh: a web-app channel needs client_secret; a mobile-app channel does not, but a sent one is checked (ledger L1)', async () => {
    const tokens = await login(emulator);
    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token, { client_secret: 'nope' }),
      400,
      'invalid_request',
      'some parameters missed or invalid',
    );
    const withoutSecret = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: WEB.channelId,
    });
    await assertOAuthError(withoutSecret, 400, 'invalid_request', 'some parameters missed or invalid');
    assert.equal((await refresh(emulator, tokens.refresh_token)).status, 200, 'with the secret it works');

    const native = await login(emulator, {}, NATIVE);
    const nativeRefresh = (extra: Record<string, string>): Promise<Response> =>
      postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
        grant_type: 'refresh_token',
        refresh_token: native.refresh_token,
        client_id: NATIVE.channelId,
        ...extra,
      });
    assert.equal((await nativeRefresh({})).status, 200, 'mobile app: no client_secret needed');
    assert.equal((await nativeRefresh({ client_secret: 'nope' })).status, 400, 'but a wrong one is refused');
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

  const revokeForm = (fields: Record<string, string>): Promise<Response> =>
    postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, fields);

  test('revoking an unknown, already revoked or other channel’s token is 400 {"error":"invalid_request"} (ledger L6)', async () => {
    const unknown = await revokeForm({
      access_token: 'never-issued',
      client_id: WEB.channelId,
      client_secret: WEB.channelSecret,
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { error: 'invalid_request' });

    const tokens = await login(emulator);
    const form = { access_token: tokens.access_token, client_id: WEB.channelId, client_secret: WEB.channelSecret };
    assert.equal((await revokeForm(form)).status, 200);
    assert.equal((await revokeForm(form)).status, 400, 'a second revoke finds the token invalid');

    const native = await login(emulator, {}, NATIVE);
    const foreign = await revokeForm({ ...form, access_token: native.access_token });
    assert.equal(foreign.status, 400);
    assert.equal((await verifyAccessToken(emulator, native.access_token)).status, 200, 'left alone');
  });

  test("revokeInvalidToken: 'ok' answers an invalid token with the empty 200", async () => {
    const lenient = await start({ autoApprove: true, now: time.now, revokeInvalidToken: 'ok' });
    try {
      const response = await postForm(`${lenient.apiBaseUrl}/oauth2/v2.1/revoke`, {
        access_token: 'never-issued',
        client_id: WEB.channelId,
        client_secret: WEB.channelSecret,
      });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '');
    } finally {
      await lenient.close();
    }
  });

  test('revoke: a web-app channel needs client_secret; a mobile-app channel does not (ledger L1)', async () => {
    const tokens = await login(emulator);
    const withoutSecret = await revokeForm({ access_token: tokens.access_token, client_id: WEB.channelId });
    await assertOAuthError(withoutSecret, 400, 'invalid_client', 'invalid client_secret');
    assert.equal((await verifyAccessToken(emulator, tokens.access_token)).status, 200, 'still valid');
    const wrongSecret = await revokeForm({
      access_token: tokens.access_token,
      client_id: WEB.channelId,
      client_secret: 'x',
    });
    await assertOAuthError(wrongSecret, 400, 'invalid_client');

    const native = await login(emulator, {}, NATIVE);
    assert.equal((await revokeForm({ access_token: native.access_token, client_id: NATIVE.channelId })).status, 200);
    assert.equal((await verifyAccessToken(emulator, native.access_token)).status, 400);
  });

  test('revoke by refresh_token (what the SDKs send) ends the refresh token and its access tokens (ledger L7)', async () => {
    const native = await login(emulator, {}, NATIVE);
    const response = await revokeForm({ refresh_token: native.refresh_token, client_id: NATIVE.channelId });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
    assert.equal((await verifyAccessToken(emulator, native.access_token)).status, 400);
    const refreshed = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'refresh_token',
      refresh_token: native.refresh_token,
      client_id: NATIVE.channelId,
    });
    await assertOAuthError(refreshed, 400, 'invalid_grant');
    // Revoked once, it is an invalid token the second time.
    assert.equal((await revokeForm({ refresh_token: native.refresh_token, client_id: NATIVE.channelId })).status, 400);
    const both = await revokeForm({
      refresh_token: native.refresh_token,
      access_token: native.access_token,
      client_id: NATIVE.channelId,
    });
    await assertOAuthError(both, 400, 'invalid_request', 'send access_token or refresh_token, not both');
  });

  test('GET verify: a JWT-shaped token whose payload is not JSON is {"message":"failed to parse"} (ledger L12)', async () => {
    // The token from line/line-sdk-android#98, cut short: header {"alg":"HS256"}, payload not JSON.
    const response = await verifyAccessToken(
      emulator,
      'eyJhbGciOiJIUzI1NiJ9.eGkRSBen6bnfAUut4hMlgMktS7uzo.mDbbYdWz0BWz',
    );
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { message: 'failed to parse' });
    // A well-formed unknown token keeps the OAuth-style answer.
    await assertOAuthError(await verifyAccessToken(emulator, 'AAAA'), 400, 'invalid_request', 'access token invalid');
  });
});
