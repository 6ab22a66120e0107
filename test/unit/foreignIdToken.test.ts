import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { LineEmulator } from '../../emulator/index';
import { createLineJwks, type LineJwks } from '../../src/core/idToken';
import { inspectIdToken, type InspectIdTokenOptions } from '../../src/core/foreignIdToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { ALICE, NATIVE, WEB, clock, exchange, getCode, json, start } from './emulator/fixtures';

describe('inspectIdToken: foreign ID tokens against the emulator', () => {
  const time = clock();
  let emulator: LineEmulator;
  let jwks: LineJwks;
  let client: LineLoginClient;

  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
    jwks = createLineJwks(emulator.apiBaseUrl);
    client = new LineLoginClient({
      endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
    });
  });
  after(async () => {
    await emulator.close();
  });

  function options(channel: typeof WEB | undefined, extra: Partial<InspectIdTokenOptions> = {}): InspectIdTokenOptions {
    return {
      ...(channel === undefined
        ? {}
        : { channel: { channelId: channel.channelId, channelSecret: channel.channelSecret } }),
      jwks,
      issuer: emulator.authorizeBaseUrl,
      now: () => new Date(time.now()),
      ...extra,
    };
  }

  /** As the SDKs get theirs: the token request carries id_token_key_type=JWK (README ledger L5). */
  async function es256Token(nonce: string): Promise<string> {
    const code = await getCode(emulator, { client_id: NATIVE.channelId, nonce });
    const response = await exchange(emulator, code, { id_token_key_type: 'JWK' }, NATIVE);
    assert.equal(response.status, 200);
    const tokens = await json<{ id_token?: string }>(response);
    assert.ok(tokens.id_token);
    return tokens.id_token;
  }

  async function hs256Token(nonce: string): Promise<string> {
    const code = await getCode(emulator, { client_id: WEB.channelId, nonce });
    const tokens = await json<{ id_token?: string }>(await exchange(emulator, code));
    assert.ok(tokens.id_token);
    return tokens.id_token;
  }

  function tamper(token: string): string {
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: `U${'f'.repeat(32)}` })).toString('base64url');
    return `${head ?? ''}.${forged}.${signature ?? ''}`;
  }

  test('a valid HS256 web-login token: kind, signature by channel secret, times, nonce masked, no token or secret', async () => {
    const token = await hs256Token('nonce-web-0123456789');
    const result = await inspectIdToken(token, options(WEB));
    assert.equal(result.kind, 'web-login');
    assert.equal(result.alg, 'HS256');
    assert.equal(result.kid, undefined);
    assert.deepEqual(result.signature, { checked: true, ok: true, method: 'HS256-channel-secret' });
    assert.deepEqual(result.problems, []);
    assert.equal(result.valid, true);
    assert.equal(result.claims.sub, ALICE.userId);
    assert.equal(result.claims.nonce, 'nonce-…');
    assert.equal(result.times.status, 'valid');
    assert.equal(result.times.skewSeconds, 60);
    assert.equal(result.times.now, new Date(time.now()).toISOString());
    assert.equal(result.times.iat?.secondsFromNow, 0);
    assert.equal(result.times.exp?.secondsFromNow, 3600);
    const text = JSON.stringify(result);
    for (const secret of [token, WEB.channelSecret, 'nonce-web-0123456789', token.split('.')[2] ?? '']) {
      assert.ok(!text.includes(secret), 'the result holds no token, signature, secret or nonce');
    }
  });

  test('a valid ES256 token (id_token_key_type=JWK) verifies with the JWKS by kid, and LINE agrees', async () => {
    const token = await es256Token('nonce-native-0123456789');
    const result = await inspectIdToken(
      token,
      options(NATIVE, {
        channel: { channelId: NATIVE.channelId },
        verifyOnServer: async (idToken, channelId) => ({
          ...(await client.verifyIdTokenOnServer({ idToken, channelId })),
        }),
      }),
    );
    assert.equal(result.kind, 'native-sdk-or-liff');
    assert.equal(result.alg, 'ES256');
    assert.match(result.kid ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(result.signature, { checked: true, ok: true, method: 'ES256-jwks' });
    assert.deepEqual(result.problems, []);
    assert.equal(result.valid, true);
    const server = result.server;
    assert.ok(server);
    assert.equal(server.ok, true);
    assert.equal(server.agreesWithLocal, true);
    assert.ok(server.claims);
    assert.equal(server.claims.sub, ALICE.userId);
    assert.equal(server.claims.nonce, 'nonce-…');
    assert.ok(!JSON.stringify(result).includes(token));
  });

  test('tampered tokens (HS256 and ES256) fail the signature; LINE rejects them too', async () => {
    for (const [token, channel] of [
      [tamper(await hs256Token('n-1')), WEB],
      [tamper(await es256Token('n-2')), NATIVE],
    ] as const) {
      const result = await inspectIdToken(
        token,
        options(channel, {
          verifyOnServer: async (idToken, channelId) => ({
            ...(await client.verifyIdTokenOnServer({ idToken, channelId })),
          }),
        }),
      );
      assert.equal(result.signature.checked, true);
      assert.equal(result.signature.ok, false);
      assert.equal(result.signature.errorCode, 'ERR_ID_TOKEN_SIGNATURE_INVALID');
      assert.equal(result.valid, false);
      assert.deepEqual(
        result.problems.map((problem) => problem.code),
        ['ERR_ID_TOKEN_SIGNATURE_INVALID'],
      );
      assert.ok(result.server);
      assert.equal(result.server.ok, false);
      assert.equal(result.server.agreesWithLocal, true);
    }
  });

  test('an expired token: signature still good, the times say expired plainly, with the offset', async () => {
    const token = await hs256Token('n-3');
    const es = await es256Token('n-4');
    time.advance(3600 * 1000 + 61 * 1000);
    try {
      for (const [candidate, channel] of [
        [token, WEB],
        [es, NATIVE],
      ] as const) {
        const result = await inspectIdToken(candidate, options(channel));
        assert.equal(result.signature.ok, true);
        assert.equal(result.times.status, 'expired');
        assert.equal(result.times.exp?.secondsFromNow, -61);
        assert.equal(result.valid, false);
        assert.deepEqual(
          result.problems.map((problem) => problem.code),
          ['ERR_ID_TOKEN_EXPIRED'],
        );
      }
      // Expired and for another channel: both said, though the audience check fails first.
      const both = await inspectIdToken(es, options(WEB));
      assert.deepEqual(
        both.problems.map((problem) => problem.code),
        ['ERR_ID_TOKEN_AUDIENCE_INVALID', 'ERR_ID_TOKEN_EXPIRED'],
      );
      assert.match(both.problems[1]?.message ?? '', /expired at .* 61 s before this machine's clock/);
    } finally {
      time.advance(-(3600 * 1000 + 61 * 1000));
    }
  });

  test('a token issued in the future of this machine: not yet valid, beyond the tolerance only', async () => {
    const ahead = await emulator.signIdToken(WEB.channelId, { sub: ALICE.userId, iat: time.now() / 1000 + 120 });
    const result = await inspectIdToken(ahead, options(WEB));
    assert.equal(result.times.status, 'not-yet-valid');
    assert.ok(result.problems.some((problem) => problem.code === 'ERR_ID_TOKEN_IAT_INVALID'));
    const within = await emulator.signIdToken(WEB.channelId, { sub: ALICE.userId, iat: time.now() / 1000 + 30 });
    assert.equal((await inspectIdToken(within, options(WEB))).times.status, 'valid');
  });

  test("another channel's token: HS256 fails the signature and names the audience; ES256 fails the audience", async () => {
    const web = await hs256Token('n-5');
    const asNative = await inspectIdToken(web, options(NATIVE));
    assert.equal(asNative.signature.ok, false);
    assert.deepEqual(
      asNative.problems.map((problem) => problem.code),
      ['ERR_ID_TOKEN_SIGNATURE_INVALID', 'ERR_ID_TOKEN_AUDIENCE_INVALID'],
    );
    assert.match(
      asNative.problems[1]?.message ?? '',
      new RegExp(`issued to channel ${WEB.channelId}, not to channel ${NATIVE.channelId}`),
    );

    const native = await es256Token('n-6');
    const asWeb = await inspectIdToken(native, options(WEB));
    assert.equal(asWeb.signature.ok, true, "LINE's key signed it");
    assert.deepEqual(
      asWeb.problems.map((problem) => problem.code),
      ['ERR_ID_TOKEN_AUDIENCE_INVALID'],
    );
    assert.equal(asWeb.valid, false);
  });

  test('without a channel: ES256 signature still checked, HS256 not, and the result says why', async () => {
    const es = await inspectIdToken(await es256Token('n-7'), options(undefined));
    assert.equal(es.signature.ok, true);
    assert.deepEqual(
      es.problems.map((problem) => problem.code),
      ['ERR_INVALID_CHANNEL'],
    );
    const hs = await inspectIdToken(await hs256Token('n-8'), options(undefined));
    assert.deepEqual([hs.signature.checked, hs.signature.ok], [false, false]);
    assert.equal(hs.valid, false);
  });

  test('an unknown alg or unreadable input is reported, never verified', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"1"}').toString('base64url')}.`;
    const result = await inspectIdToken(unsigned, options(WEB));
    assert.equal(result.kind, 'unknown');
    assert.deepEqual(result.signature, { checked: false, ok: false, method: 'none' });
    assert.equal(result.problems[0]?.code, 'ERR_ID_TOKEN_ALG_NOT_ALLOWED');
    await assert.rejects(inspectIdToken('not a token', options(WEB)), { code: 'ERR_ID_TOKEN_MALFORMED' });
  });
});
