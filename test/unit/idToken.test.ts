import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  SignJWT,
  UnsecuredJWT,
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

import { IdTokenError, InputError, type IdTokenErrorCode } from '../../src/core/errors';
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  createLineJwks,
  verifyIdToken,
  verifyJwtSignature,
  type IdTokenVerificationOptions,
  type LineJwks,
} from '../../src/core/idToken';
import { LINE_ISSUER } from '../../src/core/types';

const CHANNEL_ID = '1234567890';
const CHANNEL_SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const NOW = new Date('2024-06-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const USER_ID = 'U4af4980629a0a0a0a0a0a0a0a0a0a0a0';
const NONCE = 'nonce-0123456789abcdef';

function lineClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const claims: Record<string, unknown> = {
    iss: LINE_ISSUER,
    sub: USER_ID,
    aud: CHANNEL_ID,
    exp: NOW_S + 3600,
    iat: NOW_S - 10,
    nonce: NONCE,
    amr: ['pwd'],
    name: 'Taro Line',
    picture: 'https://profile.line-scdn.net/abcdefghijklmn',
    email: 'taro.line@example.com',
  };
  for (const [claim, value] of Object.entries(overrides)) {
    if (value === undefined) {
      Reflect.deleteProperty(claims, claim);
    } else {
      claims[claim] = value;
    }
  }
  return claims;
}

function signHs256(
  claims: JWTPayload,
  secret: string | Uint8Array = CHANNEL_SECRET,
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', ...header, alg: 'HS256' }).sign(key);
}

interface EcKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function ecKey(kid: string): Promise<EcKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function signEs256(claims: JWTPayload, key: EcKey, kid: string = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'ES256', kid }).sign(key.privateKey);
}

/** Replaces the payload of a signed token, keeping header and signature. */
function tamper(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header ?? ''}.${base64url.encode(JSON.stringify(claims))}.${signature ?? ''}`;
}

async function expectIdTokenError(
  promise: Promise<unknown>,
  code: IdTokenErrorCode,
  token: string,
  check: (error: IdTokenError) => void = () => undefined,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IdTokenError, `expected IdTokenError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    // docs/security.md §12: no token, token part or secret in a message or detail.
    const text = `${error.message} ${JSON.stringify(error.details)}`;
    for (const forbidden of [CHANNEL_SECRET, token, ...token.split('.').filter((part) => part.length >= 8)]) {
      assert.ok(!text.includes(forbidden), `message or details leak a secret: ${error.message}`);
    }
    check(error);
    return true;
  });
}

// A JWKS endpoint per tenant path, so each test controls its own keys, failure mode and fetch count.
type TenantMode = 'ok' | 'html' | 'status500' | 'notJwks' | 'hang';
interface Tenant {
  keys: JWK[];
  mode: TenantMode;
  fetches: number;
}

const tenants = new Map<string, Tenant>();
let server: Server;
let origin = '';

function tenant(name: string, keys: JWK[], mode: TenantMode = 'ok'): { base: string; state: Tenant } {
  const state: Tenant = { keys, mode, fetches: 0 };
  tenants.set(name, state);
  return { base: `${origin}/${name}`, state };
}

function serve(res: ServerResponse, state: Tenant): void {
  switch (state.mode) {
    case 'ok':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Proxy login required</body></html>');
      return;
    case 'status500':
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"internal error"}');
      return;
    case 'notJwks':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"none"}');
      return;
    case 'hang':
      return;
  }
}

before(async () => {
  server = createServer((req, res) => {
    const match = /^\/([^/]+)\/oauth2\/v2\.1\/certs$/.exec(req.url ?? '');
    const state = match?.[1] === undefined ? undefined : tenants.get(match[1]);
    if (req.method !== 'GET' || !state) {
      res.writeHead(404).end();
      return;
    }
    state.fetches += 1;
    serve(res, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

function hsOptions(overrides: Partial<IdTokenVerificationOptions> = {}): IdTokenVerificationOptions {
  return { channelId: CHANNEL_ID, channelSecret: CHANNEL_SECRET, issuer: LINE_ISSUER, now: () => NOW, ...overrides };
}

function esOptions(jwks: LineJwks, overrides: Partial<IdTokenVerificationOptions> = {}): IdTokenVerificationOptions {
  return { channelId: CHANNEL_ID, jwks, issuer: LINE_ISSUER, now: () => NOW, ...overrides };
}

describe('verifyIdToken: signatures and algorithms', () => {
  test('accepts a valid HS256 web-login token and returns typed claims', async () => {
    const token = await signHs256(lineClaims());
    const verified = await verifyIdToken(token, hsOptions({ nonce: NONCE }));
    assert.deepEqual(verified.header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(verified.claims, {
      iss: LINE_ISSUER,
      sub: USER_ID,
      aud: CHANNEL_ID,
      exp: NOW_S + 3600,
      iat: NOW_S - 10,
      nonce: NONCE,
      amr: ['pwd'],
      name: 'Taro Line',
      picture: 'https://profile.line-scdn.net/abcdefghijklmn',
      email: 'taro.line@example.com',
    });
  });

  test('accepts a valid ES256 token with its key picked by kid from a JWKS served over HTTP', async () => {
    const key1 = await ecKey('kid-1');
    const key2 = await ecKey('kid-2');
    const { base, state } = tenant('valid-es256', [key1.publicJwk, key2.publicJwk]);
    const jwks = createLineJwks(base);
    assert.equal(jwks.url, `${base}/oauth2/v2.1/certs`);
    const verified = await verifyIdToken(await signEs256(lineClaims(), key2), esOptions(jwks, { nonce: NONCE }));
    assert.deepEqual(verified.header, { alg: 'ES256', kid: 'kid-2', typ: 'JWT' });
    assert.equal(verified.claims.sub, USER_ID);
    // The key set is cached: a second token costs no request.
    await verifyIdToken(await signEs256(lineClaims(), key1), esOptions(jwks));
    assert.equal(state.fetches, 1);
  });

  test('accepts HS256 and ES256 side by side when both key sources are given', async () => {
    const key = await ecKey('both');
    const { base } = tenant('both-sources', [key.publicJwk]);
    const options = hsOptions({ jwks: createLineJwks(base) });
    assert.equal((await verifyIdToken(await signHs256(lineClaims()), options)).header.alg, 'HS256');
    assert.equal((await verifyIdToken(await signEs256(lineClaims(), key), options)).header.alg, 'ES256');
  });

  test('rejects a tampered HS256 payload', async () => {
    const token = tamper(await signHs256(lineClaims()), lineClaims({ sub: 'U00000000000000000000000000000000' }));
    await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_SIGNATURE_INVALID', token);
  });

  test('rejects a tampered ES256 payload', async () => {
    const key = await ecKey('tamper');
    const { base } = tenant('tamper', [key.publicJwk]);
    const token = tamper(await signEs256(lineClaims(), key), lineClaims({ name: 'Mallory' }));
    await expectIdTokenError(
      verifyIdToken(token, esOptions(createLineJwks(base))),
      'ERR_ID_TOKEN_SIGNATURE_INVALID',
      token,
      (error) => {
        assert.deepEqual(error.details, { alg: 'ES256', kid: 'tamper' });
        assert.match(error.message, /not issued by LINE|altered/);
      },
    );
  });

  test('rejects alg "none" whatever key sources are given', async () => {
    const token = new UnsecuredJWT(lineClaims()).encode();
    const key = await ecKey('none');
    const { base } = tenant('alg-none', [key.publicJwk]);
    for (const options of [hsOptions(), hsOptions({ jwks: createLineJwks(base) }), esOptions(createLineJwks(base))]) {
      await expectIdTokenError(verifyIdToken(token, options), 'ERR_ID_TOKEN_ALG_NOT_ALLOWED', token, (error) => {
        assert.equal(error.details.alg, 'none');
        assert.match(error.message, /unsigned/);
      });
    }
  });

  test('rejects RS256 and HS384 tokens', async () => {
    const rsa = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(lineClaims()).setProtectedHeader({ alg: 'RS256', kid: 'rsa' }).sign(rsa.privateKey);
    await expectIdTokenError(verifyIdToken(rs256, hsOptions()), 'ERR_ID_TOKEN_ALG_NOT_ALLOWED', rs256, (error) => {
      assert.equal(error.details.alg, 'RS256');
      assert.match(error.message, /HS256 \(web login.*or ES256 \(LINE SDK and LIFF/);
      assert.match(error.message, /signed with "RS256"/);
    });
    const hs384 = await new SignJWT(lineClaims())
      .setProtectedHeader({ alg: 'HS384' })
      .sign(new TextEncoder().encode(CHANNEL_SECRET.repeat(2)));
    await expectIdTokenError(verifyIdToken(hs384, hsOptions()), 'ERR_ID_TOKEN_ALG_NOT_ALLOWED', hs384);
  });

  test('rejects HS256 signed with a wrong channel secret, saying the secret does not match', async () => {
    const token = await signHs256(lineClaims(), 'another-channel-secret-0000000000');
    await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_SIGNATURE_INVALID', token, (error) => {
      assert.match(error.message, /channel secret is not the one of the channel that issued the token/);
      assert.deepEqual(error.details, { alg: 'HS256' });
    });
  });

  test('rejects HS256 when only a JWKS was given, and ES256 when only a secret was given', async () => {
    const key = await ecKey('only');
    const { base, state } = tenant('only-one-source', [key.publicJwk]);
    const hs = await signHs256(lineClaims());
    await expectIdTokenError(
      verifyIdToken(hs, esOptions(createLineJwks(base))),
      'ERR_ID_TOKEN_ALG_NOT_ALLOWED',
      hs,
      (error) => {
        assert.match(error.message, /channel secret/);
      },
    );
    const es = await signEs256(lineClaims(), key);
    await expectIdTokenError(verifyIdToken(es, hsOptions()), 'ERR_ID_TOKEN_ALG_NOT_ALLOWED', es, (error) => {
      assert.match(error.message, /public keys/);
    });
    assert.equal(state.fetches, 0, 'an algorithm that is not allowed never causes a JWKS fetch');
  });

  test('RFC 8725 §3.1: an HS256 token MACed with the JWKS public key never verifies', async () => {
    const key = await ecKey('confused');
    const { base } = tenant('alg-confusion', [key.publicJwk]);
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const forgeries = [
      await signHs256(lineClaims(), JSON.stringify(key.publicJwk), { kid: 'confused' }),
      await signHs256(lineClaims(), JSON.stringify({ keys: [key.publicJwk] }), { kid: 'confused' }),
      await signHs256(lineClaims(), base64url.decode(key.publicJwk.x ?? ''), { kid: 'confused' }),
      await signHs256(lineClaims(), await exportSPKI(publicKey)),
    ];
    for (const forged of forgeries) {
      // Only the JWKS is trusted: HS256 is not even an allowed algorithm.
      await expectIdTokenError(
        verifyIdToken(forged, esOptions(createLineJwks(base))),
        'ERR_ID_TOKEN_ALG_NOT_ALLOWED',
        forged,
      );
      // Both trusted: HS256 is checked against the channel secret only, never against a JWKS key.
      await expectIdTokenError(
        verifyIdToken(forged, hsOptions({ jwks: createLineJwks(base) })),
        'ERR_ID_TOKEN_SIGNATURE_INVALID',
        forged,
      );
    }
  });

  test('rejects structurally broken tokens as malformed', async () => {
    const valid = await signHs256(lineClaims());
    const [header, payload] = valid.split('.');
    const cases = [
      '',
      'not-a-jwt',
      'a.b',
      `${header ?? ''}.${payload ?? ''}`,
      `${header ?? ''}.${base64url.encode('not json')}.sig`,
      `${base64url.encode('[1,2]')}.${payload ?? ''}.sig`,
      `${header ?? ''}.${base64url.encode('[]')}.sig`,
      `${header ?? ''}.${payload ?? ''}.sig.extra.parts`,
    ];
    for (const token of cases) {
      await expectIdTokenError(
        verifyIdToken(token, hsOptions()),
        'ERR_ID_TOKEN_MALFORMED',
        token || 'unused-placeholder',
      );
    }
  });

  test('surrounding whitespace (a pasted token) is ignored', async () => {
    const token = await signHs256(lineClaims());
    assert.equal((await verifyIdToken(`  ${token}\n`, hsOptions())).claims.sub, USER_ID);
  });
});

describe('verifyIdToken: claims', () => {
  test('rejects a wrong issuer, naming the expected one and the setting that decides it', async () => {
    const token = await signHs256(lineClaims({ iss: 'https://evil.example' }));
    await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_ISSUER_INVALID', token, (error) => {
      assert.ok(error.message.includes('"https://access.line.me" was expected'), error.message);
      assert.ok(error.message.includes('lineLogin.authorizeBaseUrl'));
      assert.ok(error.message.includes('"https://evil.example"'));
      assert.equal(error.details.claim, 'iss');
    });
  });

  test("accepts an emulator issuer when configured, and rejects LINE's then", async () => {
    const emulatorIssuer = 'http://127.0.0.1:5500';
    const emulated = await signHs256(lineClaims({ iss: emulatorIssuer }));
    assert.equal((await verifyIdToken(emulated, hsOptions({ issuer: emulatorIssuer }))).claims.iss, emulatorIssuer);
    const real = await signHs256(lineClaims());
    await expectIdTokenError(
      verifyIdToken(real, hsOptions({ issuer: emulatorIssuer })),
      'ERR_ID_TOKEN_ISSUER_INVALID',
      real,
    );
  });

  test('rejects a missing issuer', async () => {
    const token = await signHs256(lineClaims({ iss: undefined }));
    await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_ISSUER_INVALID', token);
  });

  test('rejects a wrong or missing audience', async () => {
    const wrong = await signHs256(lineClaims({ aud: '9999999999' }));
    await expectIdTokenError(verifyIdToken(wrong, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', wrong, (error) => {
      assert.ok(error.message.includes('"9999999999"') && error.message.includes(`"${CHANNEL_ID}"`), error.message);
      assert.equal(error.details.claim, 'aud');
    });
    const missing = await signHs256(lineClaims({ aud: undefined }));
    await expectIdTokenError(verifyIdToken(missing, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', missing);
    const arrayWithout = await signHs256(lineClaims({ aud: ['1', '2'] }));
    await expectIdTokenError(verifyIdToken(arrayWithout, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', arrayWithout);
  });

  test('accepts an aud array of just the channel ID, or with others when azp names this channel', async () => {
    const single = await signHs256(lineClaims({ aud: [CHANNEL_ID] }));
    assert.equal((await verifyIdToken(single, hsOptions())).claims.aud, CHANNEL_ID);
    const several = await signHs256(lineClaims({ aud: ['other', CHANNEL_ID], azp: CHANNEL_ID }));
    assert.equal((await verifyIdToken(several, hsOptions())).claims.aud, CHANNEL_ID);
  });

  test('OIDC Core §3.1.3.7 steps 3–5: several audiences need azp, and an azp must be this channel', async () => {
    const noAzp = await signHs256(lineClaims({ aud: ['other', CHANNEL_ID] }));
    await expectIdTokenError(verifyIdToken(noAzp, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', noAzp, (error) => {
      assert.equal(error.details.claim, 'azp');
      assert.match(error.message, /several audiences/);
    });
    const foreign = await signHs256(lineClaims({ aud: ['other', CHANNEL_ID], azp: 'other' }));
    await expectIdTokenError(verifyIdToken(foreign, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', foreign, (error) => {
      assert.equal(error.details.claim, 'azp');
      assert.match(error.message, /"other", not channel "1234567890"/);
    });
    const foreignSingle = await signHs256(lineClaims({ azp: '9999999999' }));
    await expectIdTokenError(verifyIdToken(foreignSingle, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', foreignSingle);
    const wrongType = await signHs256(lineClaims({ azp: 1234567890 }));
    await expectIdTokenError(
      verifyIdToken(wrongType, hsOptions()),
      'ERR_ID_TOKEN_CLAIM_INVALID',
      wrongType,
      (error) => {
        assert.equal(error.details.claim, 'azp');
      },
    );
    const own = await signHs256(lineClaims({ azp: CHANNEL_ID }));
    assert.equal((await verifyIdToken(own, hsOptions())).claims.sub, USER_ID);
  });

  test('exp: expired beyond the tolerance is rejected, within it accepted (injected clock)', async () => {
    assert.equal(DEFAULT_CLOCK_TOLERANCE_SECONDS, 60);
    const exp = NOW_S + 3600;
    const token = await signHs256(lineClaims({ exp }));
    const at =
      (seconds: number): (() => Date) =>
      () =>
        new Date(seconds * 1000);
    await verifyIdToken(token, hsOptions({ now: at(exp + 59) }));
    await expectIdTokenError(
      verifyIdToken(token, hsOptions({ now: at(exp + 61) })),
      'ERR_ID_TOKEN_EXPIRED',
      token,
      (error) => {
        assert.ok(error.message.includes(new Date(exp * 1000).toISOString().replace('.000Z', 'Z')), error.message);
        assert.equal(error.details.claim, 'exp');
      },
    );
    await expectIdTokenError(
      verifyIdToken(token, hsOptions({ now: at(exp), clockToleranceSeconds: 0 })),
      'ERR_ID_TOKEN_EXPIRED',
      token,
    );
    await verifyIdToken(token, hsOptions({ now: at(exp - 1), clockToleranceSeconds: 0 }));
  });

  test('exp missing or not a number is a claim error', async () => {
    for (const exp of [undefined, '1717243200']) {
      const token = await signHs256(lineClaims({ exp }));
      await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_CLAIM_INVALID', token, (error) => {
        assert.equal(error.details.claim, 'exp');
      });
    }
  });

  test('iat: in the future beyond the tolerance, missing, or not a number is rejected', async () => {
    await verifyIdToken(await signHs256(lineClaims({ iat: NOW_S + 30 })), hsOptions());
    for (const iat of [NOW_S + 120, undefined, String(NOW_S)]) {
      const token = await signHs256(lineClaims({ iat }));
      await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_IAT_INVALID', token, (error) => {
        assert.equal(error.details.claim, 'iat');
      });
    }
  });

  test('nonce: missing or wrong is rejected when one was sent; right or unchecked passes', async () => {
    const missing = await signHs256(lineClaims({ nonce: undefined }));
    await expectIdTokenError(
      verifyIdToken(missing, hsOptions({ nonce: NONCE })),
      'ERR_ID_TOKEN_NONCE_INVALID',
      missing,
      (error) => {
        assert.match(error.message, /has no nonce/);
      },
    );
    const wrong = await signHs256(lineClaims({ nonce: 'nonce-from-another-attempt' }));
    await expectIdTokenError(
      verifyIdToken(wrong, hsOptions({ nonce: NONCE })),
      'ERR_ID_TOKEN_NONCE_INVALID',
      wrong,
      (error) => {
        assert.ok(!error.message.includes(NONCE) && !error.message.includes('nonce-from-another-attempt'));
      },
    );
    const prefix = await signHs256(lineClaims({ nonce: NONCE.slice(0, -1) }));
    await expectIdTokenError(verifyIdToken(prefix, hsOptions({ nonce: NONCE })), 'ERR_ID_TOKEN_NONCE_INVALID', prefix);
    const right = await signHs256(lineClaims());
    assert.equal((await verifyIdToken(right, hsOptions({ nonce: NONCE }))).claims.nonce, NONCE);
    assert.equal((await verifyIdToken(missing, hsOptions())).claims.nonce, undefined);
    assert.equal((await verifyIdToken(wrong, hsOptions())).claims.nonce, 'nonce-from-another-attempt');
  });

  test('maxAge: auth_time must be present and recent enough', async () => {
    const none = await signHs256(lineClaims());
    await expectIdTokenError(
      verifyIdToken(none, hsOptions({ maxAge: 600 })),
      'ERR_ID_TOKEN_AUTH_TIME_MISSING',
      none,
      (error) => {
        assert.equal(error.details.claim, 'auth_time');
        assert.match(error.message, /max_age=600/);
      },
    );
    const old = await signHs256(lineClaims({ auth_time: NOW_S - 3600 }));
    await expectIdTokenError(
      verifyIdToken(old, hsOptions({ maxAge: 600 })),
      'ERR_ID_TOKEN_CLAIM_INVALID',
      old,
      (error) => {
        assert.equal(error.details.claim, 'auth_time');
      },
    );
    const recent = await signHs256(lineClaims({ auth_time: NOW_S - 300 }));
    assert.equal((await verifyIdToken(recent, hsOptions({ maxAge: 600 }))).claims.auth_time, NOW_S - 300);
    // Just past max_age but within the clock tolerance.
    await verifyIdToken(await signHs256(lineClaims({ auth_time: NOW_S - 630 })), hsOptions({ maxAge: 600 }));
    // Without maxAge, an old auth_time is just information.
    assert.equal((await verifyIdToken(old, hsOptions())).claims.auth_time, NOW_S - 3600);
  });

  test('sub must be a non-empty string, but its format is not enforced', async () => {
    const pairwise = await signHs256(lineClaims({ sub: 'some-future-pairwise-id' }));
    assert.equal((await verifyIdToken(pairwise, hsOptions())).claims.sub, 'some-future-pairwise-id');
    for (const sub of ['', 12345, undefined]) {
      const token = await signHs256(lineClaims({ sub }));
      await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_CLAIM_INVALID', token, (error) => {
        assert.equal(error.details.claim, 'sub');
      });
    }
  });

  test('claims of the wrong type are rejected with the claim named', async () => {
    const cases: [string, unknown][] = [
      ['amr', 'pwd'],
      ['amr', ['pwd', 1]],
      ['name', 42],
      ['picture', { url: 'x' }],
      ['email', ['a@example.com']],
      ['nonce', 7],
      ['auth_time', '1717243200'],
    ];
    for (const [claim, value] of cases) {
      const token = await signHs256(lineClaims({ [claim]: value }));
      await expectIdTokenError(verifyIdToken(token, hsOptions()), 'ERR_ID_TOKEN_CLAIM_INVALID', token, (error) => {
        assert.equal(error.details.claim, claim, `${claim}: ${JSON.stringify(value)}`);
      });
    }
    const nbf = await signHs256(lineClaims({ nbf: NOW_S + 3000 }));
    await expectIdTokenError(verifyIdToken(nbf, hsOptions()), 'ERR_ID_TOKEN_CLAIM_INVALID', nbf, (error) => {
      assert.equal(error.details.claim, 'nbf');
    });
  });

  test('unknown amr values and extra claims are tolerated; only documented claims are returned', async () => {
    const token = await signHs256(lineClaims({ amr: ['lineqr', 'some-new-method'], extra: true }));
    const { claims } = await verifyIdToken(token, hsOptions());
    assert.deepEqual(claims.amr, ['lineqr', 'some-new-method']);
    assert.equal('extra' in claims, false);
  });

  test('checks run in the documented order', async () => {
    // Signature before claims.
    const forged = await signHs256(
      lineClaims({ iss: 'https://evil.example', exp: NOW_S - 9999 }),
      'wrong-secret-wrong-secret-wrong!',
    );
    await expectIdTokenError(verifyIdToken(forged, hsOptions()), 'ERR_ID_TOKEN_SIGNATURE_INVALID', forged);
    // iss before aud before exp.
    const all = await signHs256(lineClaims({ iss: 'https://evil.example', aud: 'x', exp: NOW_S - 9999 }));
    await expectIdTokenError(verifyIdToken(all, hsOptions()), 'ERR_ID_TOKEN_ISSUER_INVALID', all);
    const audExp = await signHs256(lineClaims({ aud: 'x', exp: NOW_S - 9999 }));
    await expectIdTokenError(verifyIdToken(audExp, hsOptions()), 'ERR_ID_TOKEN_AUDIENCE_INVALID', audExp);
    // exp before iat before nonce before auth_time before sub before typed claims.
    const expIat = await signHs256(lineClaims({ exp: NOW_S - 9999, iat: NOW_S + 9999 }));
    await expectIdTokenError(verifyIdToken(expIat, hsOptions()), 'ERR_ID_TOKEN_EXPIRED', expIat);
    const iatNonce = await signHs256(lineClaims({ iat: NOW_S + 9999, nonce: 'other' }));
    await expectIdTokenError(
      verifyIdToken(iatNonce, hsOptions({ nonce: NONCE })),
      'ERR_ID_TOKEN_IAT_INVALID',
      iatNonce,
    );
    const nonceAuth = await signHs256(lineClaims({ nonce: 'other' }));
    await expectIdTokenError(
      verifyIdToken(nonceAuth, hsOptions({ nonce: NONCE, maxAge: 60 })),
      'ERR_ID_TOKEN_NONCE_INVALID',
      nonceAuth,
    );
    const authSub = await signHs256(lineClaims({ sub: '' }));
    await expectIdTokenError(
      verifyIdToken(authSub, hsOptions({ maxAge: 60 })),
      'ERR_ID_TOKEN_AUTH_TIME_MISSING',
      authSub,
    );
    const subAmr = await signHs256(lineClaims({ sub: '', amr: 'pwd' }));
    await expectIdTokenError(verifyIdToken(subAmr, hsOptions()), 'ERR_ID_TOKEN_CLAIM_INVALID', subAmr, (error) => {
      assert.equal(error.details.claim, 'sub');
    });
  });
});

describe('verifyIdToken: LINE JWKS', () => {
  test('unknown kid: one refetch, then ERR_ID_TOKEN_KEY_NOT_FOUND', async () => {
    const known = await ecKey('known');
    const stranger = await ecKey('stranger');
    const { base, state } = tenant('unknown-kid', [known.publicJwk]);
    const jwks = createLineJwks(base, { cooldownMs: 0 });
    await verifyIdToken(await signEs256(lineClaims(), known), esOptions(jwks));
    assert.equal(state.fetches, 1);
    const token = await signEs256(lineClaims(), stranger);
    await expectIdTokenError(verifyIdToken(token, esOptions(jwks)), 'ERR_ID_TOKEN_KEY_NOT_FOUND', token, (error) => {
      assert.deepEqual(error.details, { alg: 'ES256', kid: 'stranger' });
      assert.ok(error.message.includes(jwks.url));
    });
    assert.equal(state.fetches, 2, 'exactly one refetch for the unknown kid');
  });

  test('key rotation: a new kid is picked up after one refetch', async () => {
    const oldKey = await ecKey('2024-old');
    const newKey = await ecKey('2024-new');
    const { base, state } = tenant('rotation', [oldKey.publicJwk]);
    const jwks = createLineJwks(base, { cooldownMs: 0 });
    await verifyIdToken(await signEs256(lineClaims(), oldKey), esOptions(jwks));
    assert.equal(state.fetches, 1);
    state.keys = [oldKey.publicJwk, newKey.publicJwk];
    const verified = await verifyIdToken(await signEs256(lineClaims(), newKey), esOptions(jwks));
    assert.equal(verified.header.kid, '2024-new');
    assert.equal(state.fetches, 2);
    await verifyIdToken(await signEs256(lineClaims(), newKey), esOptions(jwks));
    await verifyIdToken(await signEs256(lineClaims(), oldKey), esOptions(jwks));
    assert.equal(state.fetches, 2, 'both keys are now cached');
  });

  test('within the cooldown an unknown kid does not refetch', async () => {
    const known = await ecKey('cool-known');
    const stranger = await ecKey('cool-stranger');
    const { base, state } = tenant('cooldown', [known.publicJwk]);
    const jwks = createLineJwks(base); // default cooldown: 30 s
    await verifyIdToken(await signEs256(lineClaims(), known), esOptions(jwks));
    const token = await signEs256(lineClaims(), stranger);
    await expectIdTokenError(verifyIdToken(token, esOptions(jwks)), 'ERR_ID_TOKEN_KEY_NOT_FOUND', token);
    await expectIdTokenError(verifyIdToken(token, esOptions(jwks)), 'ERR_ID_TOKEN_KEY_NOT_FOUND', token);
    assert.equal(state.fetches, 1);
  });

  test('two keys with the same kid: each is tried', async () => {
    const first = await ecKey('dup');
    const second = await ecKey('dup');
    const { base } = tenant('duplicate-kid', [first.publicJwk, second.publicJwk]);
    const jwks = createLineJwks(base);
    assert.equal((await verifyIdToken(await signEs256(lineClaims(), second), esOptions(jwks))).header.kid, 'dup');
    const stranger = await ecKey('dup');
    const token = await signEs256(lineClaims(), stranger);
    await expectIdTokenError(verifyIdToken(token, esOptions(jwks)), 'ERR_ID_TOKEN_SIGNATURE_INVALID', token);
  });

  test('ES256 as a native-style flow signs it: several keys served, 64-hex kids, the key picked by kid only', async () => {
    const kids = ['a', 'b', 'c'].map((seed) => createHash('sha256').update(seed).digest('hex'));
    const keys = await Promise.all(kids.map((kid) => ecKey(kid)));
    const [first, second] = keys;
    assert.ok(first && second);
    const { base, state } = tenant(
      'native-style',
      keys.map((key) => key.publicJwk),
    );
    const jwks = createLineJwks(base);
    const verified = await verifyIdToken(await signEs256(lineClaims(), second), esOptions(jwks));
    assert.deepEqual(verified.header, { alg: 'ES256', kid: second.kid, typ: 'JWT' });
    assert.equal((await verifyJwtSignature(await signEs256(lineClaims(), second), { jwks })).alg, 'ES256');
    assert.equal(state.fetches, 1);

    // Signed by the second key but naming the first: only the named key is tried.
    const misnamed = await signEs256(lineClaims(), second, first.kid);
    await expectIdTokenError(verifyIdToken(misnamed, esOptions(jwks)), 'ERR_ID_TOKEN_SIGNATURE_INVALID', misnamed);
    await assert.rejects(verifyJwtSignature(misnamed, { jwks }), { code: 'ERR_ID_TOKEN_SIGNATURE_INVALID' });
  });

  test('ES256 without kid: a coded error from both checks, although a key of the set would match', async () => {
    const [only, other] = [await ecKey('only-key'), await ecKey('other-key')];
    for (const keySet of [[only.publicJwk], [only.publicJwk, other.publicJwk]]) {
      const { base } = tenant(`no-kid-${keySet.length}`, keySet);
      const jwks = createLineJwks(base);
      const token = await new SignJWT(lineClaims()).setProtectedHeader({ alg: 'ES256' }).sign(only.privateKey);
      await expectIdTokenError(verifyIdToken(token, esOptions(jwks)), 'ERR_ID_TOKEN_KEY_NOT_FOUND', token, (error) => {
        assert.deepEqual(error.details, { alg: 'ES256' });
        assert.match(error.message, /names no "kid"/);
      });
      await assert.rejects(verifyJwtSignature(token, { jwks }), (error: unknown) => {
        assert.ok(error instanceof IdTokenError, `a coded error, not ${String(error)}`);
        assert.equal(error.code, 'ERR_ID_TOKEN_KEY_NOT_FOUND');
        return true;
      });
    }
  });

  test('verifyJwtSignature: a duplicated kid is a coded answer too, never a raw jose error', async () => {
    const first = await ecKey('dup-sig');
    const second = await ecKey('dup-sig');
    const { base } = tenant('duplicate-kid-signature', [first.publicJwk, second.publicJwk]);
    const jwks = createLineJwks(base);
    assert.equal((await verifyJwtSignature(await signEs256(lineClaims(), second), { jwks })).alg, 'ES256');
    const stranger = await ecKey('dup-sig');
    await assert.rejects(verifyJwtSignature(await signEs256(lineClaims(), stranger), { jwks }), {
      code: 'ERR_ID_TOKEN_SIGNATURE_INVALID',
    });
  });

  test('JWKS unavailable: server down, HTML, 500, not a key set, timeout', async () => {
    const key = await ecKey('down');
    const token = await signEs256(lineClaims(), key);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const down = createLineJwks(`http://127.0.0.1:${closedPort}`);
    await expectIdTokenError(verifyIdToken(token, esOptions(down)), 'ERR_ID_TOKEN_JWKS_UNAVAILABLE', token, (error) => {
      assert.ok(error.message.includes(down.url), error.message);
      assert.match(error.message, /ECONNREFUSED/);
    });

    for (const mode of ['html', 'status500', 'notJwks'] as const) {
      const { base, state } = tenant(`unavailable-${mode}`, [key.publicJwk], mode);
      await expectIdTokenError(
        verifyIdToken(token, esOptions(createLineJwks(base))),
        'ERR_ID_TOKEN_JWKS_UNAVAILABLE',
        token,
        (error) => {
          if (mode === 'html') {
            assert.match(error.message, /JSON/);
          }
          if (mode === 'status500') {
            assert.match(error.message, /200 OK/);
          }
          if (mode === 'notJwks') {
            assert.match(error.message, /not a JSON Web Key Set/);
          }
        },
      );
      assert.equal(state.fetches, 1, mode);
    }

    const { base } = tenant('unavailable-hang', [key.publicJwk], 'hang');
    const started = Date.now();
    await expectIdTokenError(
      verifyIdToken(token, esOptions(createLineJwks(base, { timeoutMs: 200 }))),
      'ERR_ID_TOKEN_JWKS_UNAVAILABLE',
      token,
      (error) => {
        assert.match(error.message, /no answer within 200 ms/);
      },
    );
    assert.ok(Date.now() - started < 3000);
  });

  test('an injected fetch is used instead of the network', async () => {
    const key = await ecKey('injected');
    const requested: string[] = [];
    const fakeFetch: typeof fetch = (input) => {
      requested.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return Promise.resolve(
        new Response(JSON.stringify({ keys: [key.publicJwk] }), { headers: { 'content-type': 'application/json' } }),
      );
    };
    const jwks = createLineJwks('https://api.line.me/', { fetch: fakeFetch });
    assert.equal(jwks.url, 'https://api.line.me/oauth2/v2.1/certs');
    await verifyIdToken(await signEs256(lineClaims(), key), esOptions(jwks));
    assert.deepEqual(requested, ['https://api.line.me/oauth2/v2.1/certs']);

    const failing = createLineJwks('https://api.line.me', {
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const token = await signEs256(lineClaims(), key);
    await expectIdTokenError(verifyIdToken(token, esOptions(failing)), 'ERR_ID_TOKEN_JWKS_UNAVAILABLE', token);
  });
});

describe('verifyJwtSignature', () => {
  test('reads the injected clock, never Date.now()', async (t) => {
    t.mock.method(Date, 'now', () => {
      throw new Error('Date.now() was read');
    });
    const token = await signHs256(lineClaims({ exp: NOW_S - 86_400 }));
    assert.deepEqual(await verifyJwtSignature(token, { channelSecret: CHANNEL_SECRET, now: () => NOW }), {
      alg: 'HS256',
    });
    await assert.rejects(
      verifyJwtSignature(token, { channelSecret: 'another-channel-secret-0000000000', now: () => NOW }),
      { code: 'ERR_ID_TOKEN_SIGNATURE_INVALID' },
    );
  });
});

describe('verifyIdToken and createLineJwks: caller mistakes', () => {
  test('no key source at all is an input error, not a token error', async () => {
    const token = await signHs256(lineClaims());
    await assert.rejects(verifyIdToken(token, { channelId: CHANNEL_ID, issuer: LINE_ISSUER }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'ERR_INVALID_INPUT');
      return true;
    });
    await assert.rejects(verifyIdToken(token, hsOptions({ channelSecret: '' })), { code: 'ERR_INVALID_CHANNEL' });
    await assert.rejects(verifyIdToken(token, hsOptions({ channelId: '' })), { code: 'ERR_INVALID_CHANNEL' });
    await assert.rejects(verifyIdToken(token, hsOptions({ jwks: { url: 'https://api.line.me/oauth2/v2.1/certs' } })), {
      code: 'ERR_INVALID_INPUT',
    });
    await assert.rejects(verifyIdToken(token, hsOptions({ clockToleranceSeconds: -1 })), { code: 'ERR_INVALID_INPUT' });
  });

  test('createLineJwks accepts https and loopback http only', () => {
    assert.throws(() => createLineJwks('http://api.example.com'), { code: 'ERR_INVALID_ENDPOINT' });
    assert.throws(() => createLineJwks('not a url'), { code: 'ERR_INVALID_ENDPOINT' });
    assert.throws(() => createLineJwks('https://api.line.me', { timeoutMs: -1 }), { code: 'ERR_INVALID_INPUT' });
    assert.equal(createLineJwks('http://localhost:5500/').url, 'http://localhost:5500/oauth2/v2.1/certs');
    assert.equal(createLineJwks('http://[::1]:5500/emu').url, 'http://[::1]:5500/emu/oauth2/v2.1/certs');
  });
});
