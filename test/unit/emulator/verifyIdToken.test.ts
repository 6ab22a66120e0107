import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { LineEmulator } from '../../../emulator/index';
import { WEB, NATIVE, ALICE, BOB, clock, start, postForm, json, login, assertOAuthError } from './fixtures';

describe('LINE emulator: POST /oauth2/v2.1/verify (ID token)', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  async function verifyIdToken(fields: Record<string, string>): Promise<Response> {
    return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/verify`, fields);
  }

  test('answers the payload for a valid token, checking nonce and user_id when sent', async () => {
    const tokens = await login(emulator, { nonce: 'nonce-1' });
    const response = await verifyIdToken({
      id_token: tokens.id_token ?? '',
      client_id: WEB.channelId,
      nonce: 'nonce-1',
      user_id: ALICE.userId,
    });
    assert.equal(response.status, 200);
    const payload = await json<Record<string, unknown>>(response);
    assert.equal(payload['iss'], emulator.authorizeBaseUrl);
    assert.equal(payload['sub'], ALICE.userId);
    assert.equal(payload['aud'], WEB.channelId);
    assert.equal(payload['nonce'], 'nonce-1');
  });

  test('reports each failure with LINE’s wording', async () => {
    const tokens = await login(emulator, { nonce: 'nonce-2' });
    const idToken = tokens.id_token ?? '';
    const wrongIssuer = await emulator.signIdToken(WEB.channelId, { iss: 'https://access.line.me', sub: ALICE.userId });
    const unknownKid = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId }, { kid: 'not-a-key' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: emulator.authorizeBaseUrl, aud: WEB.channelId })).toString('base64url')}.`;
    const [head, body, signature] = idToken.split('.');
    const tampered = `${head ?? ''}.${body ?? ''}x.${signature ?? ''}`;
    const cases: [Record<string, string>, string][] = [
      [{ id_token: 'garbage', client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: tampered, client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: unsigned, client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: unknownKid, client_id: NATIVE.channelId }, 'Invalid IdToken.'],
      [{ id_token: wrongIssuer, client_id: WEB.channelId }, 'Invalid IdToken Issuer.'],
      [{ id_token: idToken, client_id: NATIVE.channelId }, 'Invalid IdToken Audience.'],
      [{ id_token: idToken, client_id: WEB.channelId, nonce: 'other' }, 'Invalid IdToken Nonce.'],
      [{ id_token: idToken, client_id: WEB.channelId, user_id: BOB.userId }, 'Invalid IdToken Subject Identifier.'],
    ];
    for (const [fields, description] of cases) {
      await assertOAuthError(await verifyIdToken(fields), 400, 'invalid_request', description);
    }
    time.advance(3600 * 1000);
    await assertOAuthError(
      await verifyIdToken({ id_token: idToken, client_id: WEB.channelId }),
      400,
      'invalid_request',
      'IdToken expired.',
    );
  });

  test('ES256 tokens verify by kid; the JWKS serves two keys with 64-hex kids; a rotation retires the old one', async () => {
    const before = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    // README ledger L5: several keys at once, kids of 64 hex digits, as LINE serves them.
    assert.equal(before.keys.length, 2);
    for (const key of before.keys) {
      assert.match(key.kid ?? '', /^[0-9a-f]{64}$/);
      assert.equal(key.kty, 'EC');
      assert.equal(key.crv, 'P-256');
      assert.equal(key.alg, 'ES256');
      assert.equal(key.use, 'sig');
      assert.equal('d' in key, false, 'no private key material');
    }
    const [oldKey, nextKey] = before.keys;
    assert.ok(oldKey !== undefined && nextKey !== undefined);
    assert.notEqual(oldKey.kid, nextKey.kid);

    const oldToken = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId });
    assert.equal(decodeProtectedHeader(oldToken).kid, oldKey.kid, 'the first key of the JWKS signs');
    const newKid = await emulator.rotateSigningKey();
    assert.equal(newKid, nextKey.kid, 'the published next key takes over');
    const after = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    const afterKids = after.keys.map((key) => key.kid);
    assert.equal(afterKids.length, 2);
    assert.equal(afterKids[0], newKid);
    assert.equal(afterKids.includes(oldKey.kid), false, 'the retired key left the JWKS');

    const newToken = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId });
    assert.equal(decodeProtectedHeader(newToken).kid, newKid);
    await jwtVerify(newToken, createLocalJWKSet(after), { currentDate: new Date(time.now()) });
    await assert.rejects(jwtVerify(oldToken, createLocalJWKSet(after), { currentDate: new Date(time.now()) }));
    assert.equal((await verifyIdToken({ id_token: newToken, client_id: NATIVE.channelId })).status, 200);
    assert.equal(
      (await verifyIdToken({ id_token: oldToken, client_id: NATIVE.channelId })).status,
      200,
      'grace period for the previous key',
    );
  });

  test('signIdToken: claims override the defaults, undefined removes one', async () => {
    const token = await emulator.signIdToken(WEB.channelId, { sub: BOB.userId, amr: undefined, exp: 1 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims['sub'], BOB.userId);
    assert.equal(claims['exp'], 1);
    assert.equal('amr' in claims, false);
    assert.equal(claims['iss'], emulator.authorizeBaseUrl);
  });

  test('issueTokensDirectly skips the browser', async () => {
    const tokens = await emulator.issueTokensDirectly(
      NATIVE.channelId,
      BOB.userId,
      ['openid', 'profile'],
      'direct-nonce',
    );
    assert.equal(tokens.scope, 'openid profile');
    const response = await verifyIdToken({
      id_token: tokens.id_token ?? '',
      client_id: NATIVE.channelId,
      nonce: 'direct-nonce',
    });
    assert.equal(response.status, 200);
    const withoutOpenid = await emulator.issueTokensDirectly(WEB.channelId, BOB.userId, ['profile']);
    assert.equal(withoutOpenid.id_token, undefined);
    await assert.rejects(emulator.issueTokensDirectly(WEB.channelId, BOB.userId, ['email']));
  });
});
