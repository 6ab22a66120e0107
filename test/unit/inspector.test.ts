/**
 * The Inspector against the emulator over real HTTP on loopback: each flow is recorded through the
 * FlowRecorder's fetch wrapper and sign-in observer, then checked and diagnosed from its trace.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { parseRedirectedUrl } from '../../src/core/callback';
import { createLineJwks } from '../../src/core/idToken';
import { diagnose } from '../../src/core/inspector/doctor';
import type { Diagnosis, Flow } from '../../src/core/inspector/model';
import { FlowRecorder } from '../../src/core/inspector/recorder';
import { flowDocument, toCurl, toHttpFile, toSummary } from '../../src/core/inspector/report';
import { LineLoginClient } from '../../src/core/lineClient';
import type { FetchLike } from '../../src/core/lineHttp';
import {
  completeWithRedirectedUrl,
  prepareAuthorization,
  signInWithLoopback,
  type LoginFlowDependencies,
  type PendingAuthorization,
  type SignInRequest,
} from '../../src/core/loginFlow';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import type { LoginOptions } from '../../src/core/types';
import { freePort } from '../support/ports';

const WEB = { channelId: '1660000101', channelSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' };
const NATIVE = { channelId: '1660000102', channelSecret: 'f1e2d3c4b5a60718293a4b5c6d7e8f90' };
const ALICE = { userId: `U${'1'.repeat(32)}`, displayName: 'Alice', email: 'alice@example.com' };
const NOMAIL = { userId: `U${'2'.repeat(32)}`, displayName: 'No Mail' };
const DAY_MS = 24 * 60 * 60 * 1000;

let emulator: LineEmulator;
let silent: LineEmulator;
let callbackUrl: string;
let emulatorOffsetMs = 0;

before(async () => {
  callbackUrl = `http://127.0.0.1:${await freePort()}/callback`;
  const channels = [
    { ...WEB, callbackUrls: [callbackUrl], idTokenAlg: 'HS256' as const },
    { ...NATIVE, callbackUrls: [callbackUrl], idTokenAlg: 'ES256' as const },
  ];
  emulator = await startLineEmulator({
    channels,
    users: [ALICE, NOMAIL],
    autoApprove: ALICE.userId,
    now: () => Date.now() + emulatorOffsetMs,
  });
  // No session and no autoApprove: prompt=none cannot sign anyone in.
  silent = await startLineEmulator({ channels, users: [ALICE] });
});

after(async () => {
  await emulator.close();
  await silent.close();
});

beforeEach(() => {
  emulator.clearFaults();
  emulatorOffsetMs = 0;
});

/** Secrets seen during a test, to search every output for. */
class SecretLog {
  readonly values = new Set<string>();
  add(value: string | undefined): void {
    if (value !== undefined && value.length >= 8) {
      this.values.add(value);
    }
  }
  addPending(pending: PendingAuthorization): void {
    this.add(pending.state);
    this.add(pending.nonce);
    this.add(pending.codeVerifier);
    this.add(pending.request.channel.channelSecret);
  }
  /** Neither the value nor its first 8 characters (tokenPreview shows 6 at most). */
  assertAbsent(label: string, text: string): void {
    for (const secret of this.values) {
      assert.ok(!text.includes(secret.slice(0, 8)), `${label} holds a secret (${secret.length} characters)`);
      assert.ok(!text.includes(encodeURIComponent(secret).slice(0, 12)), `${label} holds an encoded secret`);
    }
  }
}

interface Harness {
  recorder: FlowRecorder;
  deps: LoginFlowDependencies;
  secrets: SecretLog;
  client: LineLoginClient;
}

function harness(
  options: {
    target?: LineEmulator;
    tamper?: (body: Record<string, unknown>) => Promise<void>;
    clockOffsetMs?: number;
    probe?: boolean;
  } = {},
): Harness {
  const target = options.target ?? emulator;
  const secrets = new SecretLog();
  const now = (): number => Date.now() + (options.clockOffsetMs ?? 0);
  const base: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    if (options.tamper === undefined || !input.endsWith('/oauth2/v2.1/token') || response.status !== 200) {
      return response;
    }
    const body = (await response.json()) as Record<string, unknown>;
    await options.tamper(body);
    return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
  };
  const recorder = new FlowRecorder({
    now,
    ...(options.probe === false ? {} : { probeFetch: (input, init) => fetch(input, init) }),
  });
  // The test's own view of the secrets on the wire, to search the outputs for.
  const spying: FetchLike = async (input, init) => {
    const url = new URL(input);
    for (const [name, value] of [
      ...url.searchParams,
      ...new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
    ]) {
      if (name !== 'grant_type' && name !== 'client_id' && name !== 'redirect_uri') {
        secrets.add(value);
      }
    }
    const response = await base(input, init);
    const text = await response.clone().text();
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      for (const field of ['access_token', 'refresh_token', 'id_token']) {
        secrets.add(typeof json[field] === 'string' ? json[field] : undefined);
      }
    } catch {
      // not JSON
    }
    return response;
  };
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: target.authorizeBaseUrl, apiBaseUrl: target.apiBaseUrl },
    fetch: recorder.wrapFetch(spying),
  });
  const observer = recorder.signInObserver;
  const deps: LoginFlowDependencies = {
    client,
    store: new InMemoryTokenStore(),
    jwks: createLineJwks(target.apiBaseUrl),
    now,
    observer: {
      authorizationPrepared: (pending) => {
        secrets.addPending(pending);
        observer.authorizationPrepared(pending);
      },
      callbackReceived: (outcome) => {
        observer.callbackReceived(outcome);
      },
    },
  };
  return { recorder, deps, secrets, client };
}

/** The system browser, played by fetch; `rewrite` edits LINE's redirect before it is followed. */
function browser(
  secrets: SecretLog,
  rewrite?: (location: URL) => boolean | undefined,
): (url: string) => Promise<boolean> {
  return async (url) => {
    const authorize = await fetch(url, { redirect: 'manual' });
    const location = authorize.headers.get('location');
    if (location === null) {
      await authorize.text();
      return true; // LINE's own error page: the browser stays there
    }
    const redirected = new URL(location);
    secrets.add(redirected.searchParams.get('code') ?? undefined);
    if (rewrite?.(redirected) === false) {
      return true; // a browser on another machine: LINE's redirect never reaches this one
    }
    await (await fetch(redirected, { redirect: 'follow' })).text();
    return true;
  };
}

function request(
  channel = WEB,
  scopes = ['profile', 'openid'],
  options?: LoginOptions,
  url = callbackUrl,
): SignInRequest {
  return { channel, callbackUrl: url, scopes, ...(options === undefined ? {} : { options }) };
}

async function signIn(
  h: Harness,
  req: SignInRequest,
  options: { rewrite?: (location: URL) => boolean | undefined; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ flow: Flow; error?: unknown }> {
  let error: unknown;
  try {
    await h.recorder.run({}, () =>
      signInWithLoopback(req, h.deps, {
        openBrowser: browser(h.secrets, options.rewrite),
        timeoutMs: options.timeoutMs ?? 10_000,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
  } catch (caught) {
    error = caught;
  }
  const flow = h.recorder.flows()[0];
  assert.ok(flow, 'a flow was recorded');
  return { flow, ...(error === undefined ? {} : { error }) };
}

function assertNoSecrets(h: Harness, flow: Flow): void {
  h.secrets.assertAbsent('trace', JSON.stringify(flow));
  h.secrets.assertAbsent('summary', JSON.stringify(toSummary(flow)));
  h.secrets.assertAbsent('document', flowDocument(flow));
  h.secrets.assertAbsent('.http', toHttpFile(flow));
  h.secrets.assertAbsent('curl', toCurl(flow));
  h.secrets.assertAbsent('diagnosis', JSON.stringify(diagnose(flow) ?? {}));
}

function diagnosed(flow: Flow, code: string): Diagnosis {
  const diagnosis = diagnose(flow);
  assert.equal(diagnosis?.code, code, `diagnosis of ${flow.error?.code ?? flow.outcome}`);
  assert.ok(diagnosis);
  return diagnosis;
}

function verdicts(flow: Flow): Record<string, string> {
  return Object.fromEntries(flow.steps.flatMap((s) => s.checks.map((c) => [c.id, c.verdict])));
}

describe('FlowRecorder: a successful sign-in', () => {
  test('records authorize → callback → token → profile, every check passes, no diagnosis, no secret anywhere', async () => {
    const h = harness();
    const { flow, error } = await signIn(h, request(WEB, ['profile', 'openid', 'email']));
    assert.equal(error, undefined);
    assert.equal(flow.kind, 'signIn');
    assert.equal(flow.outcome, 'succeeded');
    assert.equal(flow.channelId, WEB.channelId);
    assert.equal(flow.userId, ALICE.userId);
    assert.deepEqual(
      flow.steps.map((s) => s.name),
      ['authorize', 'callback', 'token', 'profile'],
    );
    const failing = flow.steps.flatMap((s) =>
      s.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.explanation}`),
    );
    assert.deepEqual(failing, []);
    for (const id of [
      'authorize.state',
      'authorize.nonce',
      'authorize.pkce',
      'authorize.redirect_uri',
      'callback.state',
      'token.redirect_uri',
      'token.code_verifier',
      'token.scope',
      'token.id_token',
      'idToken.alg',
      'idToken.iss',
      'idToken.aud',
      'idToken.exp',
      'idToken.iat',
      'idToken.nonce',
      'idToken.email',
      'token.status',
      'token.x-line-request-id',
    ]) {
      assert.equal(verdicts(flow)[id], 'pass', id);
    }
    for (const check of flow.steps.flatMap((s) => s.checks)) {
      assert.match(check.citation.url, /^https:\/\/(developers\.line\.biz|www\.rfc-editor\.org|openid\.net)\//);
    }
    const token = flow.steps.find((s) => s.name === 'token');
    assert.ok(token?.request !== undefined && token.response !== undefined);
    assert.match(token.response.lineRequestId ?? '', /\S/);
    assert.equal(token.request.params.grant_type, 'authorization_code');
    assert.equal(token.request.params.redirect_uri, callbackUrl);
    assert.equal(token.response.idToken?.header.alg, 'HS256');
    assert.equal(token.response.idToken.claims.email, 'al…@example.com');
    assert.equal(diagnose(flow), undefined);
    assert.ok(h.secrets.values.size >= 7, `secrets collected: ${h.secrets.values.size}`);
    assertNoSecrets(h, flow);
    // Exports name the variables instead.
    assert.match(toHttpFile(flow), /code=\{\{\$processEnv LINE_AUTHORIZATION_CODE\}\}/);
    assert.match(toHttpFile(flow), /client_secret=\{\{\$processEnv LINE_CHANNEL_SECRET\}\}/);
    assert.match(toHttpFile(flow), /Authorization: Bearer \{\{\$processEnv LINE_ACCESS_TOKEN\}\}/);
    assert.match(toCurl(flow), /--data-urlencode "code_verifier=\$LINE_CODE_VERIFIER"/);
    assert.match(toCurl(flow), /-H "Authorization: Bearer \$LINE_ACCESS_TOKEN"/);
    assert.match(flowDocument(flow), new RegExp(token.response.lineRequestId ?? 'missing'));
  });

  test('keeps the newest 50 flows, newest first; concurrent flows do not mix their steps', async () => {
    const h = harness();
    const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['profile', 'openid']);
    await Promise.all(
      Array.from({ length: 55 }, (_, i) =>
        h.recorder.run({}, async () => {
          await (i % 2 === 0
            ? h.client.getProfile(tokens.access_token)
            : h.client.verifyAccessToken(tokens.access_token));
        }),
      ),
    );
    const flows = h.recorder.flows();
    assert.equal(flows.length, 50);
    for (const flow of flows) {
      assert.equal(flow.steps.length, 1);
      assert.equal(flow.kind, flow.steps[0]?.name === 'profile' ? 'profile' : 'verifyAccessToken');
    }
    // A request outside any flow is a flow of its own.
    await h.client.getProfile(tokens.access_token);
    assert.equal(h.recorder.flows()[0]?.kind, 'profile');
    assert.equal(h.recorder.flows()[0]?.userId, ALICE.userId);
  });
});

describe('the Doctor, from recorded traces', () => {
  test("REDIRECT_URI_MISMATCH: an unregistered callback URL gets LINE's 400 page; the probe shows it", async () => {
    const h = harness();
    const unregistered = `http://127.0.0.1:${await freePort()}/callback/`;
    const { flow, error } = await signIn(h, request(WEB, ['profile', 'openid'], undefined, unregistered), {
      timeoutMs: 300,
    });
    assert.equal((error as { code?: string }).code, 'ERR_CALLBACK_TIMEOUT');
    const probe = flow.steps.find((s) => s.name === 'authorizeProbe');
    assert.equal(probe?.response?.status, 400);
    const diagnosis = diagnosed(flow, 'REDIRECT_URI_MISMATCH');
    assert.ok(diagnosis.evidence.some((line) => line.includes(unregistered)));
    assert.ok(
      diagnosis.evidence.some((line) => line.includes(unregistered.slice(0, -1))),
      'names the variant without the slash',
    );
    assert.match(diagnosis.docUrl, /#setting-callback-url$/);
    assertNoSecrets(h, flow);
  });

  test('CALLBACK_NOT_RECEIVED: LINE accepted the URL but the browser never came back', async () => {
    const h = harness();
    const { flow } = await signIn(h, request(), { timeoutMs: 300, rewrite: () => false });
    const probed = flow.steps.find((s) => s.name === 'authorizeProbe')?.response?.status;
    assert.ok(probed === 200 || probed === 302, `probe answered ${String(probed)}`);
    const diagnosis = diagnosed(flow, 'CALLBACK_NOT_RECEIVED');
    assert.match(diagnosis.fix, /Paste Redirected URL/);
  });

  test('REDIRECT_URI_MISMATCH: a token request whose redirect_uri differs, the differing characters marked', async () => {
    const h = harness();
    const pending = prepareAuthorization(h.deps.client, request());
    const altered = { ...pending, request: { ...pending.request, callbackUrl: `${callbackUrl}/` } };
    const redirected = (await fetch(pending.authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? '';
    h.secrets.addPending(pending);
    h.secrets.add(new URL(redirected).searchParams.get('code') ?? undefined);
    await assert.rejects(
      h.recorder.run({}, async () => {
        h.deps.observer?.authorizationPrepared(pending);
        const callback = parseRedirectedUrl(redirected, callbackUrl, pending.state);
        h.deps.observer?.callbackReceived({ callback });
        await h.deps.client.issueTokens({
          channel: WEB,
          code: callback.code,
          redirectUri: altered.request.callbackUrl,
          codeVerifier: pending.codeVerifier,
        });
      }),
    );
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    assert.equal(
      flow.steps.find((s) => s.name === 'token')?.checks.find((c) => c.id === 'token.redirect_uri')?.verdict,
      'fail',
    );
    const diagnosis = diagnosed(flow, 'REDIRECT_URI_MISMATCH');
    assert.ok(diagnosis.evidence.includes(`token redirect_uri:     ${callbackUrl}[/]`), diagnosis.evidence.join('\n'));
    assert.ok(diagnosis.evidence.includes(`authorize redirect_uri: ${callbackUrl}[]`));
    assertNoSecrets(h, flow);
  });

  test('CONSENT_DENIED: LINE redirects with error=ACCESS_DENIED', async () => {
    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    const h = harness();
    const { flow } = await signIn(h, request());
    assert.equal(flow.outcome, 'failed');
    assert.equal(verdicts(flow)['callback.error'], 'fail');
    const diagnosis = diagnosed(flow, 'CONSENT_DENIED');
    assert.ok(diagnosis.evidence.includes('callback error=ACCESS_DENIED'));
  });

  test('AUTO_LOGIN_FAILED: prompt=none without a LINE session', async () => {
    const h = harness({ target: silent });
    const { flow } = await signIn(h, request(WEB, ['profile', 'openid'], { prompt: 'none' }));
    const diagnosis = diagnosed(flow, 'AUTO_LOGIN_FAILED');
    assert.ok(diagnosis.evidence.includes('prompt=none'));
  });

  test('STATE_MISMATCH: a redirect from an earlier attempt pasted into a new one', async () => {
    const h = harness();
    const stale = prepareAuthorization(h.deps.client, request());
    h.secrets.addPending(stale);
    const staleRedirect = (await fetch(stale.authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? '';
    h.secrets.add(new URL(staleRedirect).searchParams.get('code') ?? undefined);
    const fresh = prepareAuthorization(h.deps.client, request());
    await assert.rejects(
      h.recorder.run({}, () => completeWithRedirectedUrl(fresh, staleRedirect, h.deps)),
      { code: 'ERR_STATE_MISMATCH' },
    );
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    assert.equal(verdicts(flow)['callback.state'], 'fail');
    assert.equal(diagnose(flow)?.code, 'STATE_MISMATCH');
    assertNoSecrets(h, flow);
  });

  test('INVALID_CLIENT: a wrong channel secret on the code exchange', async () => {
    const h = harness();
    const wrong = { channelId: WEB.channelId, channelSecret: '0'.repeat(32) };
    const { flow } = await signIn(h, request(wrong));
    const token = flow.steps.find((s) => s.name === 'token');
    assert.equal(token?.response?.status, 400);
    const diagnosis = diagnosed(flow, 'INVALID_CLIENT');
    assert.ok(diagnosis.evidence.some((line) => line.includes(`client_id sent: ${WEB.channelId}`)));
    assert.ok(diagnosis.evidence.some((line) => line.startsWith('x-line-request-id: ')));
    assertNoSecrets(h, flow);
  });

  test('EMAIL_NOT_GRANTED: email requested, the user has no address', async () => {
    const h = harness();
    const { flow } = await (async () => {
      const other = await startLineEmulator({
        channels: [{ ...WEB, callbackUrls: [callbackUrl] }],
        users: [NOMAIL],
        autoApprove: true,
      });
      try {
        const hh = harness({ target: other });
        Object.assign(h, hh);
        return await signIn(hh, request(WEB, ['profile', 'openid', 'email']));
      } finally {
        await other.close();
      }
    })();
    assert.equal(flow.outcome, 'succeeded');
    assert.equal(verdicts(flow)['idToken.email'], 'warn');
    const diagnosis = diagnosed(flow, 'EMAIL_NOT_GRANTED');
    assert.match(diagnosis.fix, /Email address permission/);
    assert.match(diagnosis.docUrl, /#applying-for-email-permission$/);
  });

  test('SCOPE_NOT_GRANTED: the token response grants less than requested', async () => {
    const h = harness({
      tamper: (body) => {
        body.scope = 'openid';
        return Promise.resolve();
      },
    });
    const { flow } = await signIn(h, request(WEB, ['profile', 'openid']));
    assert.equal(verdicts(flow)['token.scope'], 'fail');
    const diagnosis = diagnosed(flow, 'SCOPE_NOT_GRANTED');
    assert.ok(diagnosis.evidence.includes('granted: openid'));
  });

  test('ID_TOKEN_ALG_UNEXPECTED: an ES256 ID token on a web login', async () => {
    const h = harness();
    const { flow } = await signIn(h, request(NATIVE));
    assert.equal(verdicts(flow)['idToken.alg'], 'warn');
    const diagnosis = diagnosed(flow, 'ID_TOKEN_ALG_UNEXPECTED');
    assert.ok(diagnosis.evidence.includes('alg: ES256'));
  });

  test("NONCE_MISMATCH: an ID token carrying another attempt's nonce", async () => {
    const h = harness({
      tamper: async (body) => {
        body.id_token = await emulator.signIdToken(
          WEB.channelId,
          { sub: ALICE.userId, nonce: 'n'.repeat(64) },
          { alg: 'HS256' },
        );
      },
    });
    const { flow, error } = await signIn(h, request());
    assert.equal((error as { code?: string }).code, 'ERR_ID_TOKEN_NONCE_INVALID');
    assert.equal(verdicts(flow)['idToken.nonce'], 'fail');
    assert.equal(diagnose(flow)?.code, 'NONCE_MISMATCH');
    assertNoSecrets(h, flow);
  });

  test("CLOCK_SKEW: this machine's clock 10 minutes behind LINE's", async () => {
    const h = harness({ clockOffsetMs: -10 * 60 * 1000 });
    const { flow, error } = await signIn(h, request());
    assert.equal((error as { code?: string }).code, 'ERR_ID_TOKEN_IAT_INVALID');
    assert.equal(verdicts(flow)['idToken.iat'], 'fail');
    const diagnosis = diagnosed(flow, 'CLOCK_SKEW');
    assert.ok(
      diagnosis.evidence.some((line) =>
        /^LINE's clock \(iat\) is (599|600|601) s ahead of this machine's\.$/.test(line),
      ),
      diagnosis.evidence.join('\n'),
    );
  });

  test('ACCESS_TOKEN_EXPIRED: the profile API refuses a 31-day-old access token', async () => {
    const h = harness();
    const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['profile', 'openid']);
    emulatorOffsetMs = 31 * DAY_MS;
    await assert.rejects(h.recorder.run({}, () => h.client.getProfile(tokens.access_token)));
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    assert.equal(flow.steps[0]?.response?.status, 401);
    assert.equal(diagnose(flow)?.code, 'ACCESS_TOKEN_EXPIRED');
    h.secrets.add(tokens.access_token);
    assertNoSecrets(h, flow);
  });

  test('REFRESH_TOKEN_EXPIRED: a refresh 91 days after the sign-in', async () => {
    const h = harness();
    const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['profile', 'openid']);
    emulatorOffsetMs = 91 * DAY_MS;
    await assert.rejects(
      h.recorder.run({}, () => h.client.refreshAccessToken({ channel: WEB, refreshToken: tokens.refresh_token })),
    );
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    assert.equal(flow.kind, 'refresh');
    assert.equal(diagnose(flow)?.code, 'REFRESH_TOKEN_EXPIRED');
    h.secrets.add(tokens.refresh_token);
    assertNoSecrets(h, flow);
    assert.match(toHttpFile(flow), /refresh_token=\{\{\$processEnv LINE_REFRESH_TOKEN\}\}/);
  });

  test('a secret LINE echoes in free text (error_description) is masked too, not only secret-named fields', async () => {
    const h = harness();
    const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['profile', 'openid']);
    const body = JSON.stringify({
      error: 'invalid_grant',
      error_description: `refresh token ${tokens.refresh_token} is revoked`,
    });
    emulator.setFault('token', { kind: 'status', status: 400, body }, 1);
    await assert.rejects(
      h.recorder.run({}, () => h.client.refreshAccessToken({ channel: WEB, refreshToken: tokens.refresh_token })),
    );
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    assert.match(
      JSON.stringify(flow.steps[0]?.response?.fields.error_description),
      /^"refresh token \[REDACTED\] is revoked"$/,
    );
    h.secrets.add(tokens.refresh_token);
    assertNoSecrets(h, flow);
  });

  test('RATE_LIMITED: a 429 with Retry-After', async () => {
    const h = harness();
    const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['profile', 'openid']);
    emulator.setFault('profile', { kind: 'status', status: 429, retryAfter: 30 }, 1);
    await assert.rejects(h.recorder.run({}, () => h.client.getProfile(tokens.access_token)));
    const flow = h.recorder.flows()[0];
    assert.ok(flow);
    const diagnosis = diagnosed(flow, 'RATE_LIMITED');
    assert.ok(diagnosis.evidence.includes('Retry-After: 30'));
    assert.match(diagnosis.fix, /at least 30 s/);
  });

  test('FRIENDSHIP_NOT_LINKED: bot_prompt sent, no friendship_status_changed on the callback', async () => {
    const h = harness();
    // A channel without a linked LINE Official Account: LINE leaves the parameter out.
    const { flow } = await signIn(h, request(WEB, ['profile', 'openid'], { botPrompt: 'normal' }), {
      rewrite: (location) => {
        location.searchParams.delete('friendship_status_changed');
        return true;
      },
    });
    assert.equal(verdicts(flow)['callback.friendship_status_changed'], 'warn');
    assert.equal(diagnose(flow)?.code, 'FRIENDSHIP_NOT_LINKED');
    const linked = await signIn(harness(), request(WEB, ['profile', 'openid'], { botPrompt: 'normal' }));
    assert.equal(verdicts(linked.flow)['callback.friendship_status_changed'], 'pass');
    assert.equal(diagnose(linked.flow), undefined);
  });
});
