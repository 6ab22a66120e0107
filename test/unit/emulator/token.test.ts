import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { IssuedTokens, LineEmulator } from '../../../emulator/index';
import {
  CALLBACK,
  WEB,
  NATIVE,
  ALICE,
  clock,
  start,
  pkce,
  getCode,
  postForm,
  exchange,
  json,
  login,
  refresh,
  verifyAccessToken,
  assertOAuthError,
  hs256Key,
} from './fixtures';

describe('LINE emulator: token endpoint', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: ALICE.userId, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  test('exchanges a code for LINE’s token response', async () => {
    const nonce = randomBytes(16).toString('hex');
    const code = await getCode(emulator, { scope: 'profile openid email', nonce, max_age: '600' });
    const response = await exchange(emulator, code);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
    const body = await json<IssuedTokens>(response);
    assert.deepEqual(Object.keys(body), [
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 2592000);
    assert.equal(body.scope, 'profile openid', 'LINE never lists email in scope');
    assert.match(body.access_token, /\+/);
    assert.match(body.access_token, /\//);

    const { payload, protectedHeader } = await jwtVerify(body.id_token ?? '', hs256Key(WEB), {
      algorithms: ['HS256'],
      currentDate: new Date(time.now()),
    });
    assert.equal(protectedHeader.kid, undefined);
    assert.equal(payload.iss, emulator.authorizeBaseUrl);
    assert.equal(payload.sub, ALICE.userId);
    assert.equal(payload.aud, WEB.channelId);
    assert.equal(payload.iat, Math.floor(time.now() / 1000));
    assert.equal(payload.exp, (payload.iat ?? 0) + 3600);
    assert.equal(payload['nonce'], nonce);
    assert.equal(payload['auth_time'], Math.floor(time.now() / 1000));
    assert.deepEqual(payload['amr'], ['pwd']);
    assert.equal(payload['name'], ALICE.displayName);
    assert.equal(payload['picture'], ALICE.pictureUrl);
    assert.equal(payload['email'], ALICE.email);
  });

  test('no id_token without openid, and no auth_time without max_age', async () => {
    const profileOnly = await login(emulator, { scope: 'profile' });
    assert.equal(profileOnly.id_token, undefined);
    assert.equal('id_token' in profileOnly, false);
    assert.equal(profileOnly.scope, 'profile');

    const openidOnly = await login(emulator, { scope: 'openid' });
    const claims = (await jwtVerify(openidOnly.id_token ?? '', hs256Key(WEB), { currentDate: new Date(time.now()) }))
      .payload;
    assert.equal(claims['auth_time'], undefined);
    assert.equal(claims['nonce'], undefined);
    assert.equal(claims['name'], undefined, 'name needs the profile scope');
  });

  test('ES256 channels get ID tokens signed with the JWKS key named by kid', async () => {
    const tokens = await login(emulator, {}, NATIVE);
    const jwks = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    const header = decodeProtectedHeader(tokens.id_token ?? '');
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, jwks.keys[0]?.kid);
    const { payload } = await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      currentDate: new Date(time.now()),
    });
    assert.equal(payload.aud, NATIVE.channelId);
  });

  test('native-style flow: PKCE, no client_secret, id_token_key_type=JWK gives an ES256 ID token (ledger L5)', async () => {
    // A mobile-app channel whose own setting is HS256: the algorithm follows the request, not the channel.
    const mobile = { ...WEB, channelId: '1650000003', appTypes: ['mobile' as const], idTokenAlg: 'HS256' as const };
    emulator.addChannel(mobile);
    const { verifier, challenge } = pkce();
    const code = await getCode(emulator, {
      client_id: mobile.channelId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'native-nonce',
    });
    const sdkForm = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: mobile.channelId,
      code_verifier: verifier,
      id_token_key_type: 'JWK',
    };
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, sdkForm);
    assert.equal(response.status, 200);
    const tokens = await json<IssuedTokens>(response);
    const header = decodeProtectedHeader(tokens.id_token ?? '');
    assert.equal(header.alg, 'ES256');
    assert.match(header.kid ?? '', /^[0-9a-f]{64}$/);
    const jwks = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    const { payload } = await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      audience: mobile.channelId,
      currentDate: new Date(time.now()),
    });
    assert.equal(payload['nonce'], 'native-nonce');

    // Without PKCE a mobile channel still needs the secret; a web-app channel always does.
    const plainCode = await getCode(emulator, { client_id: mobile.channelId });
    const withoutVerifier: Record<string, string> = { ...sdkForm, code: plainCode };
    delete withoutVerifier['code_verifier'];
    await assertOAuthError(
      await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, withoutVerifier),
      400,
      'invalid_request',
      'some parameters missed or invalid',
    );
    const web = pkce();
    const webCode = await getCode(emulator, { code_challenge: web.challenge, code_challenge_method: 'S256' });
    await assertOAuthError(
      await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
        ...sdkForm,
        code: webCode,
        client_id: WEB.channelId,
        code_verifier: web.verifier,
      }),
      400,
      'invalid_request',
      'some parameters missed or invalid',
    );
    // Web login without the parameter keeps HS256 with the channel secret.
    const hs = await login(emulator);
    assert.equal(decodeProtectedHeader(hs.id_token ?? '').alg, 'HS256');
  });

  test('a code is single use, and reusing it revokes what it issued (RFC 6749 §4.1.2)', async () => {
    const code = await getCode(emulator);
    const first = await json<IssuedTokens>(await exchange(emulator, code));
    assert.equal((await verifyAccessToken(emulator, first.access_token)).status, 200);
    await assertOAuthError(await exchange(emulator, code), 400, 'invalid_grant');
    await assertOAuthError(
      await verifyAccessToken(emulator, first.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    await assertOAuthError(await refresh(emulator, first.refresh_token), 400, 'invalid_grant', 'invalid refresh token');
  });

  test('a code expires after 10 minutes', async () => {
    const fresh = await getCode(emulator);
    time.advance(10 * 60 * 1000 - 1000);
    assert.equal((await exchange(emulator, fresh)).status, 200);

    const stale = await getCode(emulator);
    time.advance(10 * 60 * 1000);
    await assertOAuthError(await exchange(emulator, stale), 400, 'invalid_grant');
  });

  test('redirect_uri must repeat the authorize one exactly', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(
      await exchange(emulator, code, { redirect_uri: `${CALLBACK}/` }),
      400,
      'invalid_grant',
      'redirect_uri does not match',
    );
  });

  test('a wrong or missing client_secret is 400 invalid_request "some parameters missed or invalid" (ledger L9)', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(
      await exchange(emulator, code, { client_secret: 'wrong' }),
      400,
      'invalid_request',
      'some parameters missed or invalid',
    );
    const withoutSecret = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: WEB.channelId,
    });
    await assertOAuthError(withoutSecret, 400, 'invalid_request', 'some parameters missed or invalid');
    for (const missing of ['client_id', 'code', 'redirect_uri', 'grant_type']) {
      const fields: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        client_id: WEB.channelId,
        client_secret: WEB.channelSecret,
      };
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the field under test
      delete fields[missing];
      await assertOAuthError(
        await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, fields),
        400,
        'invalid_request',
        'some parameters missed or invalid',
      );
    }
    assert.equal((await exchange(emulator, code)).status, 200, 'failed client authentication does not burn the code');
  });

  test("tokenErrorStyle 'oauth' names the parameter and answers invalid_client for client authentication", async () => {
    const strict = await start({ autoApprove: true, tokenErrorStyle: 'oauth' });
    try {
      const code = await getCode(strict);
      await assertOAuthError(
        await exchange(strict, code, { client_secret: 'wrong' }),
        400,
        'invalid_client',
        'invalid client_secret',
      );
      await assertOAuthError(
        await exchange(strict, code, { client_id: '999' }),
        400,
        'invalid_client',
        'invalid client_id',
      );
      await assertOAuthError(
        await postForm(`${strict.apiBaseUrl}/oauth2/v2.1/token`, {
          grant_type: 'authorization_code',
          redirect_uri: CALLBACK,
          client_id: WEB.channelId,
          client_secret: WEB.channelSecret,
        }),
        400,
        'invalid_request',
        'code is required',
      );
    } finally {
      await strict.close();
    }
  });

  test('another channel’s code is invalid_grant', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(await exchange(emulator, code, {}, NATIVE), 400, 'invalid_grant');
  });

  test('PKCE: the verifier is required once a challenge was sent, and must match S256', async () => {
    const { verifier, challenge } = pkce();
    const params = { code_challenge: challenge, code_challenge_method: 'S256' };

    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params)),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params), { code_verifier: pkce().verifier }),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params), { code_verifier: 'short' }),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    assert.equal((await exchange(emulator, await getCode(emulator, params), { code_verifier: verifier })).status, 200);
  });

  test('the body must be form-encoded, without repeated fields, with a known grant_type', async () => {
    const url = `${emulator.apiBaseUrl}/oauth2/v2.1/token`;
    const asJson = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    await assertOAuthError(asJson, 400, 'invalid_request');
    const repeated = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&grant_type=refresh_token',
    });
    await assertOAuthError(repeated, 400, 'invalid_request');
    await assertOAuthError(
      await postForm(url, { grant_type: 'password', client_id: WEB.channelId }),
      400,
      'unsupported_grant_type',
    );
  });

  test('requests records what the client sent, secrets included (for assertions)', async () => {
    const { verifier, challenge } = pkce();
    const code = await getCode(emulator, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-0' });
    emulator.requests.length = 0;
    await exchange(emulator, code, { code_verifier: verifier });
    const [recorded] = emulator.requests;
    assert.ok(recorded !== undefined);
    assert.equal(recorded.endpoint, 'token');
    assert.equal(recorded.method, 'POST');
    assert.equal(recorded.path, '/oauth2/v2.1/token');
    assert.equal(recorded.form['code_verifier'], verifier);
    assert.equal(recorded.form['client_secret'], WEB.channelSecret);
    assert.equal(recorded.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(recorded.at, time.now());
  });
});
