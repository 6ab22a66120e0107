// Property-based tests (fast-check) over every LINE response parser, error bodies of each shape
// included: only coded errors (the LineLoginError family) come out, never a bare TypeError,
// SyntaxError or RangeError, and no secret a request sent comes back in a message or detail, even
// when the answer echoes it. Faults at the network seam: a fetch that rejects with anything, a body
// that drops half-way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineLoginClient } from '../../src/core/lineClient';
import {
  NOW,
  RUNS,
  allSecrets,
  answer,
  answerArb,
  assertCodedAndClean,
  secretsArb,
  withSecrets,
  CHANNEL_ID,
  type Secrets,
} from '../support/fuzz';

/** Every LINE call the client makes, as it makes it. */
const ENDPOINTS: Record<string, (client: LineLoginClient, s: Secrets) => Promise<unknown>> = {
  issueTokens: (client, s) =>
    client.issueTokens({
      channel: { channelId: CHANNEL_ID, channelSecret: s.channelSecret },
      code: s.code,
      redirectUri: 'http://localhost:33418/callback',
      codeVerifier: s.codeVerifier,
    }),
  refreshAccessToken: (client, s) =>
    client.refreshAccessToken({
      channel: { channelId: CHANNEL_ID, channelSecret: s.channelSecret },
      refreshToken: s.refreshToken,
    }),
  checkAccessToken: (client, s) => client.checkAccessToken(s.accessToken, CHANNEL_ID),
  revokeAccessToken: (client, s) =>
    client.revokeAccessToken({
      channel: { channelId: CHANNEL_ID, channelSecret: s.channelSecret },
      accessToken: s.accessToken,
    }),
  verifyIdTokenOnServer: (client, s) => client.verifyIdTokenOnServer({ idToken: s.idToken, channelId: CHANNEL_ID }),
  getUserInfo: (client, s) => client.getUserInfo(s.accessToken),
  getProfile: (client, s) => client.getProfile(s.accessToken),
  getFriendshipStatus: (client, s) => client.getFriendshipStatus(s.accessToken),
  issueStatelessChannelAccessToken: (client, s) =>
    client.issueStatelessChannelAccessToken({ channelId: CHANNEL_ID, channelSecret: s.channelSecret }),
  deauthorize: (client, s) =>
    client.deauthorize({
      channel: { channelId: CHANNEL_ID, channelSecret: s.channelSecret },
      userAccessToken: s.accessToken,
    }),
  verifyAccessToken: (client, s) => client.verifyAccessToken(s.accessToken),
};

/** The secrets each call sends, which must not come back in its messages. */
const SENT: Record<string, (s: Secrets) => string[]> = {
  issueTokens: (s) => [s.channelSecret, s.code, s.codeVerifier],
  refreshAccessToken: (s) => [s.channelSecret, s.refreshToken],
  checkAccessToken: (s) => [s.accessToken],
  revokeAccessToken: (s) => [s.channelSecret, s.accessToken],
  verifyIdTokenOnServer: (s) => [s.idToken],
  getUserInfo: (s) => [s.accessToken],
  getProfile: (s) => [s.accessToken],
  getFriendshipStatus: (s) => [s.accessToken],
  issueStatelessChannelAccessToken: (s) => [s.channelSecret],
  deauthorize: (s) => [s.channelSecret, s.accessToken],
  verifyAccessToken: (s) => [s.accessToken],
};

function client(fetch: (input: string, init: RequestInit) => Promise<Response>): LineLoginClient {
  return new LineLoginClient({
    endpoints: { authorizeBaseUrl: 'https://access.line.me', apiBaseUrl: 'https://api.line.me' },
    fetch,
    now: () => NOW.getTime(),
  });
}

describe('fuzz: every LINE response parser, error bodies of each shape', () => {
  for (const [name, call] of Object.entries(ENDPOINTS)) {
    const sent = SENT[name] ?? allSecrets;
    test(`${name}: any status, headers and body give a result or a coded error without secrets (${RUNS.lineEndpoint} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(secretsArb, fc.array(answerArb, { minLength: 2, maxLength: 2 }), async (s, answers) => {
          let call_ = 0;
          const fake = (): Promise<Response> => {
            const next = answers[Math.min(call_, answers.length - 1)];
            call_ += 1;
            assert.ok(next);
            const headers: Record<string, string> = {};
            if (next.retryAfter !== null) {
              headers['retry-after'] = next.retryAfter.replace(/[^\x20-\x7e]/g, '');
            }
            if (next.requestId !== null) {
              headers['x-line-request-id'] = withSecrets(next.requestId, s);
            }
            return Promise.resolve(answer(next.status, withSecrets(next.body, s), headers));
          };
          try {
            await call(client(fake), s);
          } catch (error) {
            assertCodedAndClean(error, sent(s));
          }
        }),
        { numRuns: RUNS.lineEndpoint },
      );
    });
  }

  test(`fault: a body that drops half-way is ERR_LINE_MALFORMED_RESPONSE, whatever the status (${RUNS.droppedBody} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArb,
        fc.constantFrom(200, 400, 401, 429, 500),
        fc.nat({ max: 200 }),
        fc.constantFrom(...Object.keys(ENDPOINTS)),
        async (s, status, cut, endpoint) => {
          const body = new TextEncoder().encode(
            JSON.stringify({ access_token: s.accessToken, expires_in: 2_592_000, scope: 'profile', error: 'x' }),
          );
          const fake = (): Promise<Response> =>
            Promise.resolve(
              new Response(
                new ReadableStream<Uint8Array>({
                  start(controller) {
                    controller.enqueue(body.slice(0, Math.min(cut, body.length)));
                    controller.error(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
                  },
                }),
                { status },
              ),
            );
          const call = ENDPOINTS[endpoint];
          assert.ok(call);
          await assert.rejects(call(client(fake), s), (error: unknown) => {
            assertCodedAndClean(error, (SENT[endpoint] ?? allSecrets)(s));
            assert.equal((error as { code: string }).code, 'ERR_LINE_MALFORMED_RESPONSE');
            return true;
          });
        },
      ),
      { numRuns: RUNS.droppedBody },
    );
  });

  test(`fault: a fetch that rejects with anything is a coded network error (${RUNS.rejectingFetch} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArb,
        fc.anything(),
        fc.constantFrom(...Object.keys(ENDPOINTS)),
        async (s, thrown, endpoint) => {
          const fake = (): Promise<Response> =>
            // Whatever a fetch implementation or a proxy agent throws, Error or not.
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
            Promise.reject(thrown);
          const call = ENDPOINTS[endpoint];
          assert.ok(call);
          await assert.rejects(call(client(fake), s), (error: unknown) => {
            assertCodedAndClean(error, (SENT[endpoint] ?? allSecrets)(s));
            assert.match((error as { code: string }).code, /^ERR_NETWORK/);
            return true;
          });
        },
      ),
      { numRuns: RUNS.rejectingFetch },
    );
  });
});
