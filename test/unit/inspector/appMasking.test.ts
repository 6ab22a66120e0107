/**
 * Property: whatever secrets an app's exchanges carry (in the query, the form, the headers, a JSON
 * body, LINE's answer or the redirect), no flow the tracker emits, and no report card, holds one.
 */
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { EmulatorExchange, RecordedRequest } from '../../../emulator/types';
import { AppTrafficTracker, reportCardMarkdown } from '../../../src/core/inspector/app/index';
import type { Flow } from '../../../src/core/inspector/model';
import { secretArb } from '../../support/fuzz';

export const APP_MASKING_RUNS = 500;

const CHANNEL_ID = '1650000001';
const CALLBACK = 'http://127.0.0.1:3000/callback';

interface Secrets {
  state: string;
  nonce: string;
  verifier: string;
  code: string;
  accessToken: string;
  refreshToken: string;
  channelSecret: string;
  channelToken: string;
  /** A token first seen in an answer, then in requests and an ID token signature. */
  stray: string;
}

const secretsArb: fc.Arbitrary<Secrets> = fc.record({
  state: secretArb,
  nonce: secretArb,
  verifier: secretArb,
  code: secretArb,
  accessToken: secretArb,
  refreshToken: secretArb,
  channelSecret: secretArb,
  channelToken: secretArb,
  stray: secretArb,
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

let at = 0;

function ex(
  endpoint: RecordedRequest['endpoint'],
  method: string,
  path: string,
  parts: { query?: string; body?: string; headers?: Record<string, string> },
  response: { status: number; headers?: Record<string, string>; body?: string } | undefined,
): EmulatorExchange {
  at += 1000;
  return {
    request: {
      endpoint,
      method,
      path,
      query: Object.fromEntries(new URLSearchParams(parts.query ?? '')),
      form: Object.fromEntries(new URLSearchParams(parts.body ?? '')),
      headers: { host: '127.0.0.1:9400', ...(parts.headers ?? {}) },
      at,
      rawQuery: parts.query ?? '',
      rawBody: parts.body ?? '',
    },
    response:
      response === undefined
        ? undefined
        : { status: response.status, headers: response.headers ?? {}, body: response.body ?? '' },
    answeredAt: at + 5,
  };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** One app's life, with each secret where an app or LINE might put it; `variant` picks the mistakes. */
function exchanges(s: Secrets, variant: number): EmulatorExchange[] {
  // An app that copies its state into the redirect_uri: known as a secret in that same request.
  const redirect = variant % 2 === 0 ? CALLBACK : `${CALLBACK}?debug=${s.state}`;
  const idToken = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: `U${'a'.repeat(32)}`, aud: CHANNEL_ID, nonce: s.nonce, iss: 'x', exp: 9, iat: 1 })}.${s.stray}`;
  const authorizeQuery = new URLSearchParams({
    response_type: 'code',
    client_id: CHANNEL_ID,
    redirect_uri: redirect,
    state: s.state,
    scope: 'profile openid',
    nonce: s.nonce,
    code_challenge: createHash('sha256').update(s.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const callback = `${redirect}${redirect.includes('?') ? '&' : '?'}code=${encodeURIComponent(s.code)}&state=${encodeURIComponent(s.state)}`;
  const tokenBody = new URLSearchParams({
    grant_type: 'authorization_code',
    code: s.code,
    redirect_uri: redirect,
    code_verifier: s.verifier,
    client_id: CHANNEL_ID,
    ...(variant % 3 === 0 ? {} : { client_secret: s.channelSecret }),
  }).toString();
  const basic = { authorization: `Basic ${Buffer.from(`${CHANNEL_ID}:${s.channelSecret}`).toString('base64')}` };
  const tokens = JSON.stringify({
    access_token: s.accessToken,
    refresh_token: s.refreshToken,
    id_token: idToken,
    expires_in: 2592000,
    scope: 'profile openid',
    token_type: 'Bearer',
  });
  return [
    ex(
      'authorize',
      'GET',
      '/oauth2/v2.1/authorize',
      { query: authorizeQuery },
      { status: 302, headers: { location: callback } },
    ),
    ex(
      'token',
      'POST',
      '/oauth2/v2.1/token',
      { body: tokenBody, headers: { ...FORM, ...(variant % 3 === 0 ? basic : {}) } },
      { status: 200, body: tokens },
    ),
    ex(
      'token',
      'POST',
      '/oauth2/v2.1/token',
      { body: tokenBody, headers: FORM },
      { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: `code ${s.code} used` }) },
    ),
    ex(
      'verifyIdToken',
      'POST',
      '/oauth2/v2.1/verify',
      {
        body: new URLSearchParams({ id_token: idToken, client_id: CHANNEL_ID, nonce: s.nonce }).toString(),
        headers: FORM,
      },
      { status: 200, body: JSON.stringify({ sub: 'U1', nonce: s.nonce, aud: CHANNEL_ID }) },
    ),
    variant % 2 === 0
      ? ex(
          'profile',
          'GET',
          '/v2/profile',
          { headers: { authorization: `Bearer ${s.accessToken}` } },
          { status: 200, body: '{"userId":"U1","displayName":"x"}' },
        )
      : ex(
          'profile',
          'GET',
          '/v2/profile',
          { query: `access_token=${encodeURIComponent(s.accessToken)}` },
          { status: 401, body: `{"message":"bad ${s.accessToken}"}` },
        ),
    ex(
      'verify',
      'GET',
      '/oauth2/v2.1/verify',
      { query: `access_token=${encodeURIComponent(s.accessToken)}` },
      undefined,
    ),
    ex(
      'token',
      'POST',
      '/oauth2/v2.1/token',
      {
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: s.refreshToken,
          client_id: CHANNEL_ID,
          client_secret: s.channelSecret,
        }).toString(),
        headers: FORM,
      },
      {
        status: 200,
        body: JSON.stringify({
          access_token: s.stray,
          refresh_token: s.refreshToken,
          token_type: 'Bearer',
          expires_in: 1,
        }),
      },
    ),
    ex(
      'channelToken',
      'POST',
      '/oauth2/v3/token',
      {
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CHANNEL_ID,
          client_secret: s.channelSecret,
        }).toString(),
        headers: FORM,
      },
      { status: 200, body: JSON.stringify({ access_token: s.channelToken, token_type: 'Bearer', expires_in: 1 }) },
    ),
    ex(
      'deauthorize',
      'POST',
      '/user/v1/deauthorize',
      {
        body: JSON.stringify({ userAccessToken: s.stray }),
        headers: { authorization: `Bearer ${s.channelToken}`, 'content-type': 'application/json' },
      },
      { status: 204 },
    ),
    ex(
      'revoke',
      'POST',
      '/oauth2/v2.1/revoke',
      {
        body: new URLSearchParams({
          access_token: s.stray,
          client_id: CHANNEL_ID,
          client_secret: s.channelSecret,
        }).toString(),
        headers: FORM,
      },
      { status: 200 },
    ),
  ];
}

function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    into.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((item) => strings(item, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      strings(item, into);
    }
  }
  return into;
}

describe('AppTrafficTracker masking (property)', () => {
  test(`no emitted flow or report card holds a secret the exchanges carried (${APP_MASKING_RUNS} runs)`, () => {
    fc.assert(
      fc.property(secretsArb, fc.nat(5), (s, variant) => {
        const tracker = new AppTrafficTracker({
          now: () => at,
          channels: () => [{ channelId: CHANNEL_ID, callbackUrls: [CALLBACK], channelSecret: s.channelSecret }],
        });
        const emitted: Flow[] = [];
        tracker.onFlow((flow) => emitted.push(flow));
        for (const exchange of exchanges(s, variant)) {
          tracker.observe(exchange);
        }
        if (emitted.length < 6) {
          throw new Error(`only ${emitted.length} flows emitted`);
        }
        const texts = [
          ...emitted.flatMap((flow) => strings(flow)),
          ...tracker.sessions().flatMap((session) => {
            const card = tracker.reportCard(session.id);
            return card === undefined ? [] : [reportCardMarkdown(card), ...strings(card)];
          }),
        ];
        for (const [name, secret] of Object.entries(s) as [string, string][]) {
          const leak = texts.find((text) => text.includes(secret));
          if (leak !== undefined) {
            throw new Error(`${name} leaked in: ${leak.replace(secret, '<SECRET>')}`);
          }
        }
      }),
      { numRuns: APP_MASKING_RUNS, includeErrorInReport: true },
    );
  });
});
