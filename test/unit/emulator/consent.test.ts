import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jwtVerify } from 'jose';
import type { IssuedTokens, LineEmulator } from '../../../emulator/index';
import { WEB, ALICE, BOB, start, pkce, authorize, location, postForm, exchange, json, hs256Key } from './fixtures';

describe('LINE emulator: consent page', () => {
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start();
  });
  after(async () => {
    await emulator.close();
  });

  async function consentPage(
    params: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; html: string; pending: string }> {
    const response = await authorize(emulator, params, headers);
    assert.equal(response.status, 200);
    const html = await response.text();
    const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(pending !== undefined);
    return { response, html, pending };
  }

  async function submit(
    pending: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return postForm(`${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, { pending, ...fields }, headers);
  }

  test('is plain escaped HTML under a strict CSP, with the channel, scopes and a user picker', async () => {
    const { challenge } = pkce();
    const { response, html } = await consentPage({
      scope: 'profile openid email',
      state: 'state-value-123',
      nonce: 'nonce-value-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:33418(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(html, /Web &lt;b&gt;&quot;app&quot;&lt;\/b&gt; &amp; co/);
    assert.doesNotMatch(html, /<b>"app"/);
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.match(html, /<select id="user" name="user">/);
    assert.match(html, /<button type="submit" id="allow"/);
    assert.match(html, /<button type="submit" id="cancel"/);
    for (const scope of ['profile', 'openid', 'email']) {
      assert.match(html, new RegExp(`\\(${scope}\\)`));
    }
    for (const value of ['state-value-123', 'nonce-value-456', challenge]) {
      assert.equal(html.includes(value), false, 'the page carries a pending id, not the request parameters');
    }
  });

  test('ui_locales=ja localises the page, English fragments included', async () => {
    const { html } = await consentPage({ ui_locales: 'ja en' });
    assert.match(html, /<html lang="ja">/);
    assert.match(html, /許可する/);
    assert.match(html, /チャネル ID/);
    assert.doesNotMatch(html, /Login emulator|Channel ID|Allow|Cancel|Returns to/);
  });

  test('the first ui_locales tag the emulator speaks wins over Accept-Language', async () => {
    assert.match((await consentPage({ ui_locales: 'th ja-JP' }, { 'accept-language': 'en' })).html, /<html lang="ja">/);
    assert.match((await consentPage({ ui_locales: 'en ja' }, { 'accept-language': 'ja' })).html, /<html lang="en">/);
  });

  test("without ui_locales, the browser's Accept-Language chooses (by q, q=0 excluded)", async () => {
    const ja = await consentPage({}, { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' });
    assert.match(ja.html, /<html lang="ja">/);
    assert.match(ja.html, /許可する/);
    const byQ = await consentPage({}, { 'accept-language': 'fr, en;q=0.5, ja;q=0.8' });
    assert.match(byQ.html, /<html lang="ja">/);
    const refused = await consentPage({}, { 'accept-language': 'ja;q=0, en;q=0.1' });
    assert.match(refused.html, /<html lang="en">/);
    assert.match((await consentPage()).html, /<html lang="en">/);
  });

  test('Allow redirects with code and state, sets a session, and the pending id is single use', async () => {
    const { pending } = await consentPage({ state: 'allow-state' });
    const response = await submit(pending, { user: BOB.userId, action: 'allow' });
    assert.equal(response.status, 302);
    const target = location(response);
    assert.equal(target.searchParams.get('state'), 'allow-state');
    const code = target.searchParams.get('code');
    assert.ok(code !== null);
    const cookie = response.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^line_emulator_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);

    const tokens = await json<IssuedTokens>(await exchange(emulator, code));
    const claims = (await jwtVerify(tokens.id_token ?? '', hs256Key(WEB))).payload;
    assert.equal(claims.sub, BOB.userId);

    const replay = await submit(pending, { user: BOB.userId, action: 'allow' });
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get('location'), null);
  });

  test('Cancel redirects with ACCESS_DENIED, a description and the state', async () => {
    const { pending } = await consentPage({ state: 'cancel-state' });
    const target = location(await submit(pending, { user: ALICE.userId, action: 'cancel' }));
    assert.equal(target.searchParams.get('error'), 'ACCESS_DENIED');
    // README ledger L4: the description LINE's documentation shows.
    assert.equal(target.searchParams.get('error_description'), 'The resource owner denied the request.');
    assert.equal(target.searchParams.get('state'), 'cancel-state');
    assert.equal(target.searchParams.has('code'), false);
  });

  test('an unknown pending id is a 400 page, never a redirect', async () => {
    const response = await submit('forged', { user: ALICE.userId, action: 'allow' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
  });

  test('bot_prompt shows the add-friend option; adding reports friendship_status_changed=true', async () => {
    const { html, pending } = await consentPage({ bot_prompt: 'aggressive' });
    assert.match(html, /id="add_friend"/);
    const target = location(await submit(pending, { user: BOB.userId, action: 'allow', add_friend: 'true' }));
    assert.equal(target.searchParams.get('friendship_status_changed'), 'true');
    const tokens = await json<IssuedTokens>(await exchange(emulator, target.searchParams.get('code') ?? ''));
    const friendship = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.deepEqual(await friendship.json(), { friendFlag: true });
  });

  test('prompt=none: LOGIN_REQUIRED without a session, INTERACTION_REQUIRED without consent, a code with both', async () => {
    const noSession = location(await authorize(emulator, { prompt: 'none', state: 'n1' }));
    assert.equal(noSession.searchParams.get('error'), 'LOGIN_REQUIRED');
    assert.equal(noSession.searchParams.get('state'), 'n1');

    const { pending } = await consentPage();
    const allowed = await submit(pending, { user: ALICE.userId, action: 'allow' });
    const cookie = (allowed.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';

    const silent = location(await authorize(emulator, { prompt: 'none' }, { cookie }));
    assert.ok(silent.searchParams.get('code') !== null);

    const widerScope = location(
      await authorize(emulator, { prompt: 'none', scope: 'profile openid email' }, { cookie }),
    );
    assert.equal(widerScope.searchParams.get('error'), 'INTERACTION_REQUIRED');
    // README ledger L8: both codes speak of auto login failing; with auto login disabled it cannot run.
    assert.match(widerScope.searchParams.get('error_description') ?? '', /^Auto login failed/);
    assert.match(noSession.searchParams.get('error_description') ?? '', /^Auto login failed/);
    const noAutoLogin = location(await authorize(emulator, { prompt: 'none', disable_auto_login: 'true' }, { cookie }));
    assert.equal(noAutoLogin.searchParams.get('error'), 'INTERACTION_REQUIRED');

    // Like LINE's SSO: consent already given → straight back, unless the app forces the screen.
    assert.equal((await authorize(emulator, {}, { cookie })).status, 302);
    assert.equal((await authorize(emulator, { prompt: 'consent' }, { cookie })).status, 200);
    assert.equal((await authorize(emulator, { disable_auto_login: 'true' }, { cookie })).status, 200);
  });

  test('the denyConsent fault redirects with ACCESS_DENIED', async () => {
    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    const target = location(await authorize(emulator, { state: 'deny' }));
    assert.equal(target.searchParams.get('error'), 'ACCESS_DENIED');
    assert.equal(target.searchParams.get('error_description'), 'The resource owner denied the request.');
    assert.equal(target.searchParams.get('state'), 'deny');
    assert.equal((await authorize(emulator)).status, 200, 'the fault was used up');
  });

  test("the denyConsent fault with errorCase 'lower' sends access_denied, on authorize and on Cancel (ledger L4)", async () => {
    emulator.setFault('authorize', { kind: 'denyConsent', errorCase: 'lower' }, 1);
    const direct = location(await authorize(emulator, { state: 'deny-lower' }));
    assert.equal(direct.searchParams.get('error'), 'access_denied');
    assert.equal(direct.searchParams.get('state'), 'deny-lower');

    const { pending } = await consentPage({ state: 'cancel-lower' });
    emulator.setFault('authorize', { kind: 'denyConsent', errorCase: 'lower' }, 1);
    const cancelled = location(await submit(pending, { user: ALICE.userId, action: 'cancel' }));
    assert.equal(cancelled.searchParams.get('error'), 'access_denied');
    assert.equal(cancelled.searchParams.get('state'), 'cancel-lower');
  });

  test('a channel in developing status: users without a role get LINE’s 400 page, developers get a code (ledger L14)', async () => {
    const developing = await start({
      channels: [{ ...WEB, status: 'developing', developerUserIds: [BOB.userId] }],
      users: [ALICE, BOB],
    });
    try {
      const consent = await authorize(developing);
      assert.equal(consent.status, 200, 'LINE only knows who logs in after the login screen');
      const pendingId = /name="pending" value="([^"]+)"/.exec(await consent.text())?.[1] ?? '';
      const refused = await postForm(`${developing.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, {
        pending: pendingId,
        user: ALICE.userId,
        action: 'allow',
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.headers.get('location'), null, 'never back to the app');
      assert.match(await refused.text(), /developing status/);

      const again = await authorize(developing);
      const againId = /name="pending" value="([^"]+)"/.exec(await again.text())?.[1] ?? '';
      const allowed = await postForm(`${developing.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, {
        pending: againId,
        user: BOB.userId,
        action: 'allow',
      });
      assert.equal(allowed.status, 302);
      assert.ok(location(allowed).searchParams.get('code') !== null);
    } finally {
      await developing.close();
    }
    const autoApproved = await start({
      channels: [{ ...WEB, status: 'developing', developerUserIds: [] }],
      users: [ALICE],
      autoApprove: true,
    });
    try {
      const response = await authorize(autoApproved);
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    } finally {
      await autoApproved.close();
    }
  });
});
