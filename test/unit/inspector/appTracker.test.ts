/**
 * The AppTrafficTracker fed by the emulator's onExchange over real HTTP, request by request: how
 * exchanges become flows and sessions, and the checks that need a clock or a particular call.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LineEmulator } from '../../../emulator/index';
import { AppTrafficTracker } from '../../../src/core/inspector/app/index';
import type { Check, Flow } from '../../../src/core/inspector/model';
import {
  ALICE,
  authorize,
  CALLBACK,
  clock,
  exchange,
  getCode,
  json,
  location,
  pkce,
  postForm,
  refresh,
  start,
  verifyAccessToken,
  WEB,
  type Clock,
} from '../emulator/fixtures';

const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;

interface Harness {
  emulator: LineEmulator;
  tracker: AppTrafficTracker;
  time: Clock;
}

async function withTracker(
  options: { autoApprove?: boolean },
  body: (harness: Harness) => Promise<void>,
): Promise<void> {
  const time = clock();
  const tracker = new AppTrafficTracker({ now: time.now, channels: () => [WEB] });
  const emulator = await start({
    autoApprove: options.autoApprove ?? true,
    now: time.now,
    onExchange: tracker.observe,
  });
  try {
    await body({ emulator, tracker, time });
  } finally {
    await emulator.close();
  }
}

function checkOf(flow: Flow | undefined, id: string): Check {
  const found = flow?.steps.flatMap((step) => step.checks).filter((check) => check.id === id) ?? [];
  assert.ok(found.length > 0, `${id} not in the flow`);
  const worst = found.find((check) => check.verdict === 'fail') ?? found[0];
  assert.ok(worst);
  return worst;
}

function only(tracker: AppTrafficTracker, kind: Flow['kind']): Flow {
  const flows = tracker.flows().filter((flow) => flow.kind === kind);
  assert.equal(flows.length, 1, `one ${kind} flow`);
  const [flow] = flows;
  assert.ok(flow);
  return flow;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

describe('AppTrafficTracker over the emulator', () => {
  test('the consent page and its form post stay in the login that showed it', async () => {
    await withTracker({ autoApprove: false }, async ({ emulator, tracker }) => {
      const page = await authorize(emulator, { state: 'c'.repeat(8) + '0123456789abcdef0123456789abcdef' });
      assert.equal(page.status, 200);
      const pending = /name="pending" value="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(pending);
      const answer = await postForm(`${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, {
        pending,
        user: ALICE.userId,
        action: 'allow',
      });
      const code = location(answer).searchParams.get('code');
      assert.ok(code);
      assert.equal((await exchange(emulator, code)).status, 200);
      const login = only(tracker, 'signIn');
      assert.deepEqual(
        login.steps.map((step) => step.name),
        ['authorize', 'authorize', 'callback', 'token'],
      );
      assert.equal(login.outcome, 'succeeded');
      assert.equal(tracker.sessions().length, 1);
      assert.equal(tracker.sessions()[0]?.app, new URL(CALLBACK).origin);
    });
  });

  test('a code exchanged after 10 minutes fails app.code.timely; within, it passes', async () => {
    await withTracker({}, async ({ emulator, tracker, time }) => {
      const quick = await getCode(emulator);
      assert.equal((await exchange(emulator, quick)).status, 200);
      const late = await getCode(emulator);
      time.advance(11 * MIN);
      await exchange(emulator, late);
      const [first, second] = tracker.flows();
      assert.equal(checkOf(first, 'app.code.timely').verdict, 'pass');
      assert.equal(checkOf(second, 'app.code.timely').verdict, 'fail');
      assert.equal(second?.outcome, 'failed');
    });
  });

  test('plain PKCE fails; S256 passes; state reuse across logins of one app fails', async () => {
    await withTracker({}, async ({ emulator, tracker }) => {
      const { challenge } = pkce();
      const state = '9f86d081884c7d659a2feaa0c55ad015';
      await authorize(emulator, { state, code_challenge: challenge, code_challenge_method: 'S256' });
      await authorize(emulator, { state, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
      const [first, second] = tracker.flows();
      assert.equal(checkOf(first, 'app.pkce').verdict, 'pass');
      assert.equal(checkOf(first, 'app.state.unique').verdict, 'pass');
      assert.equal(checkOf(second, 'app.pkce').verdict, 'fail');
      assert.equal(checkOf(second, 'app.state.unique').verdict, 'fail');
    });
  });

  test("refresh after 90 days fails app.refresh.window; verify with another client_id fails; GET verify's query token is fine", async () => {
    await withTracker({}, async ({ emulator, tracker, time }) => {
      const code = await getCode(emulator, { nonce: 'n'.repeat(8) + 'abcdefghijklmnopqrstuvwx' });
      const tokens = await json<Tokens>(await exchange(emulator, code));
      assert.equal((await verifyAccessToken(emulator, tokens.access_token)).status, 200);
      await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/verify`, {
        id_token: tokens.id_token,
        client_id: '1650009999',
      });
      assert.equal((await refresh(emulator, tokens.refresh_token)).status, 200);
      time.advance(91 * DAY);
      await refresh(emulator, tokens.refresh_token);
      const login = only(tracker, 'signIn');
      assert.deepEqual(
        login.steps.map((step) => step.name),
        ['authorize', 'callback', 'token', 'verifyAccessToken', 'verifyIdToken'],
      );
      assert.equal(login.steps[3]?.checks.length, 0, 'GET verify takes access_token in the query by design');
      assert.equal(checkOf(login, 'app.verify.client_id').verdict, 'fail');
      const [inTime, late] = tracker.flows().filter((flow) => flow.kind === 'refresh');
      assert.equal(checkOf(inTime, 'app.refresh.window').verdict, 'pass');
      assert.equal(checkOf(late, 'app.refresh.window').verdict, 'fail');
      assert.equal(late?.app?.loginFlowId, login.id);
    });
  });

  test("deauthorize: with the user's token as Bearer it fails, with a channel access token it passes", async () => {
    await withTracker({}, async ({ emulator, tracker }) => {
      const code = await getCode(emulator);
      const tokens = await json<Tokens>(await exchange(emulator, code));
      const deauthorize = (bearer: string): Promise<Response> =>
        fetch(`${emulator.apiBaseUrl}/user/v1/deauthorize`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userAccessToken: tokens.access_token }),
        });
      await deauthorize(tokens.access_token);
      const channelToken = await json<{ access_token: string }>(
        await postForm(`${emulator.apiBaseUrl}/oauth2/v3/token`, {
          grant_type: 'client_credentials',
          client_id: WEB.channelId,
          client_secret: WEB.channelSecret,
        }),
      );
      assert.equal((await deauthorize(channelToken.access_token)).status, 204);
      const [wrong, right] = tracker.flows().filter((flow) => flow.kind === 'deauthorize');
      assert.equal(checkOf(wrong, 'app.deauthorize').verdict, 'fail');
      assert.match(checkOf(wrong, 'app.deauthorize').explanation, /user's access token as Bearer/);
      assert.equal(checkOf(right, 'app.deauthorize').verdict, 'pass');
      const sessionId = right?.app?.sessionId;
      assert.ok(sessionId);
      assert.equal(tracker.reportCard(sessionId)?.lines.find((l) => l.checkId === 'app.deauthorize')?.verdict, 'fail');
    });
  });

  test('an unregistered redirect_uri fails; an unknown session has no report card; old flows are dropped', async () => {
    const time = clock();
    const tracker = new AppTrafficTracker({ now: time.now, channels: () => [WEB], capacity: 2 });
    const emulator = await start({ autoApprove: true, now: time.now, onExchange: tracker.observe });
    try {
      const answer = await authorize(emulator, { redirect_uri: `${CALLBACK}/` });
      assert.equal(answer.status, 400);
      const [flow] = tracker.flows();
      assert.ok(flow);
      assert.equal(checkOf(flow, 'app.redirect_uri.registered').verdict, 'fail');
      assert.equal(flow.outcome, 'failed');
      await authorize(emulator);
      await authorize(emulator);
      assert.equal(tracker.flows().length, 2);
      assert.ok(!tracker.flows().some((kept) => kept.id === flow.id));
      assert.equal(tracker.reportCard('no-such-session'), undefined);
    } finally {
      await emulator.close();
    }
  });
});
