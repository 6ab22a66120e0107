// Property-based tests (fast-check) over what a browser or a person hands over: the callback query,
// the callback URL, a pasted redirected URL, any JWT (decoder and ID token checks), and LINE's key set
// behind a failing network. Only coded errors come out, and no secret of the input is repeated.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';
import { parseCallbackParams, parseCallbackUrl, parseRedirectedUrl } from '../../src/core/callback';
import { createLineJwks, verifyIdToken, verifyJwtSignature } from '../../src/core/idToken';
import { decodeJwt } from '../../src/core/jwtExplain';
import { LINE_ISSUER } from '../../src/core/types';
import {
  CHANNEL_ID,
  CHANNEL_SECRET,
  NOW,
  NOW_S,
  RUNS,
  answer,
  assertCodedAndClean,
  bodyArb,
  hexStateArb,
  secretArb,
  statusArb,
  textArb,
} from '../support/fuzz';

describe('fuzz: the callback parser', () => {
  test(`parseCallbackParams: any query, coded errors only, no code or state repeated (${RUNS.callbackParams} cases)`, () => {
    const keyArb = fc.constantFrom('code', 'state', 'error', 'error_description', 'friendship_status_changed', 'x');
    fc.assert(
      fc.property(
        hexStateArb,
        secretArb,
        fc.array(fc.tuple(keyArb, fc.oneof(textArb, fc.constant('STATE'), fc.constant('CODE'))), { maxLength: 8 }),
        fc.boolean(),
        (expectedState, code, entries, echo) => {
          const params = new URLSearchParams();
          for (const [key, value] of entries) {
            // STATE / CODE stand for this attempt's values; echo puts them into LINE's error text too.
            const resolved = value === 'STATE' ? expectedState : value === 'CODE' ? code : value;
            params.append(key, echo && key === 'error_description' ? `${resolved} ${expectedState} ${code}` : resolved);
          }
          try {
            const result = parseCallbackParams(params, expectedState);
            assert.equal(result.code, params.get('code'));
            assert.equal(params.get('state'), expectedState);
          } catch (error) {
            // The attempt's state, and whatever arrived as code or state, are secrets; except a value
            // that also arrived as LINE's `error` code, in any case (code=ACCESS_DENIED with
            // error=access_denied), which is shown by design.
            const shownCodes = new Set(params.getAll('error').map((value) => value.toLowerCase()));
            const arrived = [...params.getAll('code'), ...params.getAll('state')].filter(
              (value) => !shownCodes.has(value.toLowerCase()),
            );
            assertCodedAndClean(error, [expectedState, ...arrived]);
          }
        },
      ),
      {
        numRuns: RUNS.callbackParams,
        ...(process.env['FUZZ_SEED'] === undefined ? {} : { seed: Number(process.env['FUZZ_SEED']) }),
      },
    );
  });

  test(`parseCallbackUrl: any text is a loopback callback URL or ERR_CALLBACK_URL_INVALID (${RUNS.callbackUrl} cases)`, () => {
    const urlish = fc.oneof(
      textArb,
      fc.webUrl(),
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'HTTP', 'ftp', ''),
          fc.constantFrom('localhost', '127.0.0.1', '[::1]', 'LOCALHOST', 'a.localhost', '[::]', '0.0.0.0', ''),
          fc.oneof(
            fc.constant(''),
            fc.integer({ min: -1, max: 70_000 }).map((port) => `:${String(port)}`),
          ),
          fc.string({ maxLength: 20 }),
        )
        .map(([scheme, host, port, rest]) => `${scheme}://${host}${port}/${rest}`),
    );
    fc.assert(
      fc.property(urlish, (text) => {
        try {
          const parsed = parseCallbackUrl(text);
          assert.ok(parsed.port > 0 && parsed.port < 65_536);
          assert.ok(parsed.bindHosts.length > 0);
        } catch (error) {
          assertCodedAndClean(error, []);
          assert.equal((error as { code: string }).code, 'ERR_CALLBACK_URL_INVALID');
        }
      }),
      { numRuns: RUNS.callbackUrl },
    );
  });
});

describe('fuzz: the redirected-URL parser', () => {
  test(`parseRedirectedUrl: any pasted text, coded errors only, no code or state repeated (${RUNS.redirectedUrl} cases)`, () => {
    const callbackArb = fc.oneof(
      fc.constantFrom('http://localhost:33418/callback', 'https://example.com/cb?x=1', 'http://127.0.0.1:8080/'),
      textArb,
    );
    fc.assert(
      fc.property(
        callbackArb,
        hexStateArb,
        secretArb,
        fc.oneof(
          textArb,
          fc.tuple(fc.array(fc.tuple(fc.constantFrom('code', 'state', 'error', 'error_description'), textArb))),
        ),
        fc.constantFrom('full', 'noScheme', 'query', 'raw'),
        (callbackUrl, expectedState, code, tail, shape) => {
          let pasted: string;
          if (typeof tail === 'string') {
            pasted = shape === 'raw' ? tail : `${callbackUrl}${tail}`;
          } else {
            const query = new URLSearchParams([
              ['code', code],
              ['state', shape === 'query' ? expectedState : `${expectedState.slice(1)}0`],
              ...tail[0],
            ]);
            pasted = `${callbackUrl}?${query.toString()}`;
            if (shape === 'noScheme') {
              pasted = pasted.replace(/^[a-z]+:\/\//i, '');
            }
          }
          try {
            const result = parseRedirectedUrl(pasted, callbackUrl, expectedState);
            assert.equal(typeof result.code, 'string');
          } catch (error) {
            // The attempt's state, and whatever arrived as code or state, are secrets.
            assertCodedAndClean(error, [expectedState, code]);
          }
        },
      ),
      { numRuns: RUNS.redirectedUrl },
    );
  });
});

const b64 = (value: string | Uint8Array): string => base64url.encode(value);

/** Strings shaped like JWTs at every level of brokenness. */
const jwtishArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .array(fc.oneof(fc.string({ maxLength: 20 }), fc.base64String({ maxLength: 40 })), { maxLength: 6 })
    .map((parts) => parts.join('.')),
  fc
    .tuple(
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((json) => b64(JSON.stringify(json))),
        fc.string({ maxLength: 20 }),
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((json) => b64(JSON.stringify(json))),
        fc.string({ maxLength: 20 }),
      ),
      fc.oneof(
        fc.constant(''),
        fc.uint8Array({ maxLength: 40 }).map((bytes) => b64(bytes)),
      ),
    )
    .map((parts) => parts.join('.')),
  fc
    .tuple(
      fc.dictionary(
        fc.constantFrom('alg', 'kid', 'typ', 'crit', 'b64', 'jku', 'x5u', 'enc'),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([header, payload]) => `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.${b64('signature')}`),
);

function tokenParts(token: string): string[] {
  return token.split('.').filter((part) => part.length >= 8);
}

describe('fuzz: the JWT decoder and the ID token checks', () => {
  test(`decodeJwt: any text is decoded or ERR_INVALID_JWT, never echoed (${RUNS.decodeJwt} cases)`, () => {
    fc.assert(
      fc.property(jwtishArb, (token) => {
        try {
          const decoded = decodeJwt(token);
          assert.equal(typeof decoded.header, 'object');
          assert.equal(typeof decoded.claims, 'object');
        } catch (error) {
          assertCodedAndClean(error, [token.trim(), ...tokenParts(token)]);
          assert.equal((error as { code: string }).code, 'ERR_INVALID_JWT');
        }
      }),
      { numRuns: RUNS.decodeJwt },
    );
  });

  test(`verifyIdToken: any JWT-shaped text is a coded error, never echoed (${RUNS.verifyIdTokenRandom} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(jwtishArb, async (token) => {
        await assert.rejects(
          verifyIdToken(token, {
            channelId: CHANNEL_ID,
            channelSecret: CHANNEL_SECRET,
            issuer: LINE_ISSUER,
            now: () => NOW,
          }),
          (error: unknown) => {
            assertCodedAndClean(error, [CHANNEL_SECRET, token.trim(), ...tokenParts(token)]);
            return true;
          },
        );
      }),
      { numRuns: RUNS.verifyIdTokenRandom },
    );
  });

  test(`verifyIdToken: correctly signed tokens with any claims pass every check or fail with a code (${RUNS.verifyIdTokenSigned} cases)`, async () => {
    const near = fc.integer({ min: NOW_S - 7_200, max: NOW_S + 7_200 });
    const claim = (likely: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
      fc.oneof({ weight: 4, arbitrary: likely }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });
    const claimsArb = fc.record(
      {
        iss: claim(fc.constantFrom(LINE_ISSUER, 'https://evil.example')),
        sub: claim(fc.constantFrom(`U${'a'.repeat(32)}`, '')),
        aud: claim(fc.constantFrom(CHANNEL_ID, [CHANNEL_ID], [CHANNEL_ID, 'other'], 'other', [])),
        azp: claim(fc.constantFrom(CHANNEL_ID, 'other')),
        exp: claim(near),
        iat: claim(near),
        nbf: claim(near),
        auth_time: claim(near),
        nonce: claim(fc.constantFrom('nonce-0123456789', 'other-nonce-0000')),
        amr: claim(fc.constantFrom(['pwd'], ['lineqr', 'mfa'], [], [1])),
        name: claim(fc.string({ maxLength: 20 })),
        email: claim(fc.emailAddress()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        claimsArb,
        fc.boolean(),
        fc.option(fc.nat({ max: 3_600 })),
        async (claims, expectNonce, maxAge) => {
          const token = await new SignJWT(claims as Record<string, unknown>)
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
            .sign(new TextEncoder().encode(CHANNEL_SECRET));
          try {
            const verified = await verifyIdToken(token, {
              channelId: CHANNEL_ID,
              channelSecret: CHANNEL_SECRET,
              issuer: LINE_ISSUER,
              now: () => NOW,
              ...(expectNonce ? { nonce: 'nonce-0123456789' } : {}),
              ...(maxAge === null ? {} : { maxAge }),
            });
            // Whatever passed really holds what LINE's profile requires.
            assert.equal(verified.claims.iss, LINE_ISSUER);
            assert.equal(verified.claims.aud, CHANNEL_ID);
            assert.ok(verified.claims.exp > NOW_S - 60);
            assert.ok(verified.claims.sub !== '');
            if (expectNonce) {
              assert.equal(verified.claims.nonce, 'nonce-0123456789');
            }
            if (Array.isArray(claims.aud) && claims.aud.length > 1) {
              assert.equal(claims.azp, CHANNEL_ID);
            }
          } catch (error) {
            if (error instanceof assert.AssertionError) {
              throw error;
            }
            assertCodedAndClean(error, [CHANNEL_SECRET, ...tokenParts(token)]);
          }
        },
      ),
      { numRuns: RUNS.verifyIdTokenSigned },
    );
  });

  test(`fault: LINE's key set unreachable, cut off or of any shape is a coded error (${RUNS.jwksFault} cases)`, async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const token = await new SignJWT({ iss: LINE_ISSUER, sub: 'U1', aud: CHANNEL_ID, iat: NOW_S, exp: NOW_S + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
    const faultArb = fc.oneof(
      fc.anything().map((thrown) => ({ kind: 'reject' as const, thrown })),
      fc.record({ kind: fc.constant('cut' as const), cut: fc.nat({ max: 120 }) }),
      fc.record({ kind: fc.constant('body' as const), status: statusArb, body: bodyArb }),
    );
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(faultArb, async (fault) => {
        const full = new TextEncoder().encode(JSON.stringify({ keys: [jwk] }));
        const jwks = createLineJwks('https://api.line.me', {
          fetch: () => {
            switch (fault.kind) {
              case 'reject':
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
                return Promise.reject(fault.thrown);
              case 'cut':
                return Promise.resolve(
                  new Response(
                    new ReadableStream<Uint8Array>({
                      start(controller) {
                        controller.enqueue(full.slice(0, fault.cut));
                        controller.error(new Error('other side closed'));
                      },
                    }),
                  ),
                );
              case 'body':
                return Promise.resolve(answer(fault.status, fault.body, {}));
            }
          },
        });
        try {
          await verifyIdToken(token, { channelId: CHANNEL_ID, jwks, issuer: LINE_ISSUER, now: () => NOW });
          codes.set('verified', (codes.get('verified') ?? 0) + 1);
        } catch (error) {
          assertCodedAndClean(error, tokenParts(token));
          const { code } = error as { code: string };
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS.jwksFault },
    );
    assert.ok((codes.get('ERR_ID_TOKEN_JWKS_UNAVAILABLE') ?? 0) > RUNS.jwksFault / 2, JSON.stringify([...codes]));
  });

  test(`verifyJwtSignature: any JWT-shaped text is a coded error (${RUNS.verifyJwtSignature} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(jwtishArb, async (token) => {
        try {
          await verifyJwtSignature(token, { channelSecret: CHANNEL_SECRET, now: () => NOW });
          assert.fail('a random token verified');
        } catch (error) {
          if (error instanceof assert.AssertionError) {
            throw error;
          }
          assertCodedAndClean(error, [CHANNEL_SECRET, token.trim(), ...tokenParts(token)]);
        }
      }),
      { numRuns: RUNS.verifyJwtSignature },
    );
  });
});
