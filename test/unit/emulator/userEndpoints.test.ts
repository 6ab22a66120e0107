import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmulatorChannel, LineEmulator } from '../../../emulator/index';
import {
  WEB,
  NATIVE,
  ALICE,
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

describe('LINE emulator: user endpoints, channel token, deauthorize', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  function bearer(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  async function channelToken(channel: EmulatorChannel = WEB, secret = channel.channelSecret): Promise<Response> {
    return postForm(`${emulator.apiBaseUrl}/oauth2/v3/token`, {
      grant_type: 'client_credentials',
      client_id: channel.channelId,
      client_secret: secret,
    });
  }

  async function deauthorize(channelAccessToken: string, body: unknown): Promise<Response> {
    return fetch(`${emulator.apiBaseUrl}/user/v1/deauthorize`, {
      method: 'POST',
      headers: { ...bearer(channelAccessToken), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  test('userinfo (GET and POST), profile and friendship answer LINE’s shapes', async () => {
    const tokens = await login(emulator, { scope: 'profile openid' });
    for (const method of ['GET', 'POST']) {
      const userinfo = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, {
        method,
        headers: bearer(tokens.access_token),
      });
      assert.deepEqual(await userinfo.json(), {
        sub: ALICE.userId,
        name: ALICE.displayName,
        picture: ALICE.pictureUrl,
      });
    }
    const profile = await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(tokens.access_token) });
    assert.deepEqual(await profile.json(), {
      userId: ALICE.userId,
      displayName: ALICE.displayName,
      pictureUrl: ALICE.pictureUrl,
      statusMessage: ALICE.statusMessage,
    });
    const friendship = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: bearer(tokens.access_token),
    });
    assert.deepEqual(await friendship.json(), { friendFlag: true });

    const nativeTokens = await login(emulator, {}, NATIVE);
    const notFriend = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: bearer(nativeTokens.access_token),
    });
    assert.deepEqual(await notFriend.json(), { friendFlag: false });
  });

  test('a missing, unknown or expired Bearer token is 401 {message}; a missing scope is 403', async () => {
    const missing = await fetch(`${emulator.apiBaseUrl}/v2/profile`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    assert.equal(typeof (await json<{ message: unknown }>(missing)).message, 'string');

    const unknown = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, { headers: bearer('nope') });
    assert.equal(unknown.status, 401);
    assert.match(unknown.headers.get('www-authenticate') ?? '', /invalid_token/);

    const profileOnly = await login(emulator, { scope: 'profile' });
    const forbidden = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, {
      headers: bearer(profileOnly.access_token),
    });
    assert.equal(forbidden.status, 403);
    assert.equal(typeof (await json<{ message: unknown }>(forbidden)).message, 'string');

    const openidOnly = await login(emulator, { scope: 'openid' });
    assert.equal(
      (await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(openidOnly.access_token) })).status,
      403,
    );

    time.advance(30 * DAY);
    const expired = await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(profileOnly.access_token) });
    assert.equal(expired.status, 401);
  });

  test('POST /oauth2/v3/token issues a stateless channel access token (15 minutes)', async () => {
    const response = await channelToken();
    assert.equal(response.status, 200);
    const body = await json<{ access_token: string; expires_in: number; token_type: string }>(response);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 900);
    assert.ok(body.access_token.length > 20);
    await assertOAuthError(await channelToken(WEB, 'wrong'), 400, 'invalid_client');
  });

  test('deauthorize answers 204 and ends every token of that user on that channel', async () => {
    const first = await login(emulator);
    const second = await login(emulator);
    const other = await login(emulator, {}, NATIVE);
    const { access_token: channelAccessToken } = await json<{ access_token: string }>(await channelToken());

    const response = await deauthorize(channelAccessToken, { userAccessToken: first.access_token });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    for (const tokens of [first, second]) {
      await assertOAuthError(
        await verifyAccessToken(emulator, tokens.access_token),
        400,
        'invalid_request',
        'access token invalid',
      );
      await assertOAuthError(await refresh(emulator, tokens.refresh_token), 400, 'invalid_grant');
    }
    assert.equal((await verifyAccessToken(emulator, other.access_token)).status, 200, 'other channels are untouched');
    const recorded = emulator.requests.filter((request) => request.endpoint === 'deauthorize').at(-1);
    assert.equal(recorded?.form['userAccessToken'], first.access_token);
    assert.equal(recorded.headers['authorization'], `Bearer ${channelAccessToken}`);
  });

  test('deauthorize: an invalid user token is 400 invalid token, a bad channel token 401', async () => {
    const { access_token: channelAccessToken } = await json<{ access_token: string }>(await channelToken());
    const invalid = await deauthorize(channelAccessToken, { userAccessToken: 'not-a-token' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(await invalid.json(), { message: 'invalid token' });

    const otherChannel = await login(emulator, {}, NATIVE);
    assert.equal((await deauthorize(channelAccessToken, { userAccessToken: otherChannel.access_token })).status, 400);

    const tokens = await login(emulator);
    const badChannelToken = await deauthorize('not-a-channel-token', { userAccessToken: tokens.access_token });
    assert.equal(badChannelToken.status, 401);
    assert.equal(typeof (await json<{ message: unknown }>(badChannelToken)).message, 'string');

    time.advance(15 * 60 * 1000);
    assert.equal(
      (await deauthorize(channelAccessToken, { userAccessToken: tokens.access_token })).status,
      401,
      'the channel token lives 15 minutes',
    );
  });
});
