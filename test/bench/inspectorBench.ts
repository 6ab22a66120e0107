// The Inspector's cost per recorded step, in plain node: the same LINE requests through
// LineLoginClient with a canned in-memory fetch (no network, so the difference is the recorder's own
// work: masking, checks, the trace), once bare and once inside a recorded flow. Interleaved rounds.
import { FlowRecorder } from '../../src/core/inspector/recorder';
import { LineLoginClient } from '../../src/core/lineClient';
import type { FetchLike } from '../../src/core/lineHttp';

export interface InspectorResult {
  /** Per step: (recorded − bare) / steps, one figure per round, in ms. */
  readonly overheadPerStepMs: readonly number[];
  /** Per step, bare (the client's own parsing and validation), one figure per round. */
  readonly barePerStepMs: readonly number[];
  readonly stepsPerFlow: number;
  readonly flowsPerRound: number;
}

const API = 'https://api.line.me';
const ACCESS_TOKEN = `eyJ${'a'.repeat(120)}`;

/** LINE's answers, as the API reference shows them, for the three requests a flow makes here. */
const fakeLine: FetchLike = (input) => {
  const path = new URL(input).pathname;
  const body =
    path === '/oauth2/v2.1/verify'
      ? { scope: 'profile openid', client_id: '1690000003', expires_in: 2591659 }
      : path === '/v2/profile'
        ? { userId: `U${'d'.repeat(32)}`, displayName: 'Bench', pictureUrl: 'https://profile.line-scdn.net/x' }
        : { friendFlag: true };
  return Promise.resolve(
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
  );
};

async function flowOnce(client: LineLoginClient): Promise<void> {
  await client.verifyAccessToken(ACCESS_TOKEN);
  await client.getProfile(ACCESS_TOKEN);
  await client.getFriendshipStatus(ACCESS_TOKEN);
}

const STEPS_PER_FLOW = 3;

export async function measureInspector(rounds: number, flowsPerRound = 200): Promise<InspectorResult> {
  const endpoints = { authorizeBaseUrl: 'https://access.line.me', apiBaseUrl: API };
  const bare = new LineLoginClient({ endpoints, fetch: fakeLine });
  // Capacity as in the extension (50): older flows are dropped, as in a long session.
  const recorder = new FlowRecorder();
  const recorded = new LineLoginClient({ endpoints, fetch: recorder.wrapFetch(fakeLine) });
  const runBare = async (): Promise<number> => {
    const started = performance.now();
    for (let index = 0; index < flowsPerRound; index++) {
      await flowOnce(bare);
    }
    return performance.now() - started;
  };
  const runRecorded = async (): Promise<number> => {
    const started = performance.now();
    for (let index = 0; index < flowsPerRound; index++) {
      await recorder.run({ kind: 'verifyAccessToken', channelId: '1690000003' }, () => flowOnce(recorded));
    }
    return performance.now() - started;
  };
  // Warm-up: JIT, and the recorder's ring of 50 flows filled.
  await runBare();
  await runRecorded();
  const overheadPerStepMs: number[] = [];
  const barePerStepMs: number[] = [];
  const steps = flowsPerRound * STEPS_PER_FLOW;
  for (let round = 0; round < rounds; round++) {
    const bareMs = await runBare();
    const recordedMs = await runRecorded();
    barePerStepMs.push(bareMs / steps);
    overheadPerStepMs.push((recordedMs - bareMs) / steps);
  }
  if (recorder.flows().length === 0 || recorder.flows()[0]?.steps.length !== STEPS_PER_FLOW) {
    throw new Error('The recorder did not record the benchmark flows step by step');
  }
  return { overheadPerStepMs, barePerStepMs, stepsPerFlow: STEPS_PER_FLOW, flowsPerRound };
}
