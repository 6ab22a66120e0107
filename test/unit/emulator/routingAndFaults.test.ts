import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IssuedTokens, LineEmulator } from '../../../emulator/index';
import { WEB, start, pkce, getCode, postForm, exchange, json, verifyAccessToken, assertOAuthError } from './fixtures';

describe('LINE emulator: discovery, routing, faults', () => {
  let emulator: LineEmulator;
  const logLines: string[] = [];
  before(async () => {
    emulator = await start({ autoApprove: true, log: (line) => logLines.push(line) });
  });
  after(async () => {
    await emulator.close();
  });

  test('the discovery document mirrors LINE’s, with this server’s URLs', async () => {
    const doc = await json<Record<string, unknown>>(
      await fetch(`${emulator.authorizeBaseUrl}/.well-known/openid-configuration`),
    );
    assert.equal(doc['issuer'], emulator.authorizeBaseUrl);
    assert.equal(doc['authorization_endpoint'], `${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize`);
    assert.equal(doc['token_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/token`);
    assert.equal(doc['revocation_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/revoke`);
    assert.equal(doc['userinfo_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`);
    assert.equal(doc['jwks_uri'], `${emulator.apiBaseUrl}/oauth2/v2.1/certs`);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['ES256']);
    assert.deepEqual(doc['subject_types_supported'], ['pairwise']);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(doc['response_types_supported'], ['code']);
  });

  test('unknown paths are 404 {message}, wrong methods 405, both with x-line-request-id', async () => {
    const notFound = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/tokens`);
    assert.equal(notFound.status, 404);
    assert.deepEqual(await notFound.json(), { message: 'Not found' });
    assert.match(notFound.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);

    const wrongMethod = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/token`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.match(wrongMethod.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('an oversized body is 413 {message}', async () => {
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'authorization_code',
      code: 'x'.repeat(100_000),
    });
    assert.equal(response.status, 413);
    assert.equal(typeof (await json<{ message: unknown }>(response)).message, 'string');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('request ids differ per response', async () => {
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i += 1) {
      ids.add((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).headers.get('x-line-request-id'));
    }
    assert.equal(ids.size, 5);
  });

  test('a foreign Host header is refused (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: emulator.port,
          path: '/oauth2/v2.1/certs',
          headers: { host: `attacker.example:${emulator.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 400);
    assert.equal((await fetch(`http://localhost:${emulator.port}/oauth2/v2.1/certs`)).status, 200);
  });

  test('status fault: 429 with Retry-After, counted down by times', async () => {
    emulator.setFault('token', { kind: 'status', status: 429, retryAfter: 30 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const response = await exchange(emulator, 'any');
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '30');
      assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
      assert.equal(typeof (await json<{ message: unknown }>(response)).message, 'string');
    }
    await assertOAuthError(await exchange(emulator, 'any'), 400, 'invalid_grant');
  });

  test('status fault with a custom body and content type', async () => {
    emulator.setFault('profile', { kind: 'status', status: 500, body: 'upstream exploded', contentType: 'text/plain' });
    const response = await fetch(`${emulator.apiBaseUrl}/v2/profile`);
    assert.equal(response.status, 500);
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.equal(await response.text(), 'upstream exploded');
    emulator.clearFaults();
    assert.equal((await fetch(`${emulator.apiBaseUrl}/v2/profile`)).status, 401);
  });

  test('malformedJson fault: a 200 whose JSON is cut short', async () => {
    emulator.setFault('verify', { kind: 'malformedJson' }, 1);
    const response = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=x`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const text = await response.text();
    assert.throws(() => JSON.parse(text) as unknown, SyntaxError);
  });

  test('html fault: a 502 proxy page without a request id', async () => {
    emulator.setFault('token', { kind: 'html' }, 1);
    const response = await exchange(emulator, 'any');
    assert.equal(response.status, 502);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(response.headers.get('x-line-request-id'), null);
    assert.match(await response.text(), /502 Bad Gateway/);
  });

  test('emptyBody fault: the status with nothing in the body', async () => {
    emulator.setFault('revoke', { kind: 'emptyBody', status: 500 }, 1);
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: 'x',
      client_id: WEB.channelId,
    });
    assert.equal(response.status, 500);
    assert.equal(await response.text(), '');
  });

  test('destroySocket fault: the connection closes without an answer', async () => {
    emulator.setFault('certs', { kind: 'destroySocket' }, 1);
    await assert.rejects(fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`), TypeError);
    assert.equal((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).status, 200);
  });

  test('slow fault: a normal answer after the delay', async () => {
    emulator.setFault('certs', { kind: 'slow', delayMs: 150 }, 1);
    const started = Date.now();
    const response = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`);
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.ok(Array.isArray((await json<{ keys: unknown }>(response)).keys));
  });

  test('faults are recorded requests too, and setFault validates its input', async () => {
    emulator.requests.length = 0;
    emulator.setFault('userinfo', { kind: 'status', status: 503 }, 1);
    await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, { headers: { authorization: 'Bearer t' } });
    assert.equal(emulator.requests[0]?.endpoint, 'userinfo');
    assert.equal(emulator.requests[0].headers['authorization'], 'Bearer t');
    assert.throws(() => {
      emulator.setFault('token', { kind: 'denyConsent' });
    }, TypeError);
    assert.throws(() => {
      emulator.setFault('token', { kind: 'status', status: 429 }, 0);
    }, RangeError);
  });

  test('the log never carries tokens, codes or secrets', async () => {
    logLines.length = 0;
    const { verifier, challenge } = pkce();
    const code = await getCode(emulator, { code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = await json<IssuedTokens>(await exchange(emulator, code, { code_verifier: verifier }));
    await verifyAccessToken(emulator, tokens.access_token);
    await exchange(emulator, code, { code_verifier: verifier });
    assert.ok(logLines.length >= 4);
    const all = logLines.join('\n');
    for (const secret of [
      code,
      verifier,
      tokens.access_token,
      tokens.refresh_token,
      tokens.id_token ?? '',
      WEB.channelSecret,
      encodeURIComponent(tokens.access_token),
    ]) {
      assert.equal(all.includes(secret), false);
    }
    assert.match(all, /GET \/oauth2\/v2\.1\/verify 200/);
    assert.match(all, /invalid_grant/);
  });
});
