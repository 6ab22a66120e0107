// ID token verification throughput in plain node: the extension's local check (HS256 with the
// channel secret, ES256 with a warm JWKS cache) against LINE's verify endpoint, here the emulator's
// POST /oauth2/v2.1/verify over loopback (in this process, so its own verification shares the one
// thread with the client, as a round trip's cost does). Time-boxed rounds, interleaved.
import { randomBytes } from 'node:crypto';
import { startLineEmulator } from '../../emulator/index';
import { createLineJwks, verifyIdToken } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';

export interface VerificationResult {
  /** Operations per second, one figure per round. */
  readonly hs256: readonly number[];
  readonly es256: readonly number[];
  readonly serverHs256: readonly number[];
  readonly roundMs: number;
}

async function opsPerSecond(operation: () => Promise<unknown>, roundMs: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    await operation();
    count += 1;
    elapsed = performance.now() - started;
  } while (elapsed < roundMs);
  return count / (elapsed / 1000);
}

export async function measureVerification(rounds: number, roundMs: number): Promise<VerificationResult> {
  const channel = { channelId: '1690000002', channelSecret: randomBytes(16).toString('hex') };
  const userId = `U${'c'.repeat(32)}`;
  const emulator = await startLineEmulator({
    channels: [{ ...channel, callbackUrls: ['http://localhost:33418/callback'] }],
    users: [{ userId, displayName: 'Bench' }],
  });
  try {
    const hsToken = await emulator.signIdToken(channel.channelId, { sub: userId }, { alg: 'HS256' });
    const esToken = await emulator.signIdToken(channel.channelId, { sub: userId }, { alg: 'ES256' });
    const jwks = createLineJwks(emulator.apiBaseUrl);
    const client = new LineLoginClient({
      endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
    });
    const common = { channelId: channel.channelId, issuer: emulator.authorizeBaseUrl };
    const hs256 = (): Promise<unknown> => verifyIdToken(hsToken, { ...common, channelSecret: channel.channelSecret });
    const es256 = (): Promise<unknown> => verifyIdToken(esToken, { ...common, jwks });
    const server = (): Promise<unknown> =>
      client.verifyIdTokenOnServer({ idToken: hsToken, channelId: channel.channelId });
    // Warm: the JWKS is fetched once and cached; the first HTTP request opens the keep-alive socket.
    await hs256();
    await es256();
    await server();

    const result = { hs256: [] as number[], es256: [] as number[], serverHs256: [] as number[], roundMs };
    for (let round = 0; round < rounds; round++) {
      result.hs256.push(await opsPerSecond(hs256, roundMs));
      result.es256.push(await opsPerSecond(es256, roundMs));
      result.serverHs256.push(await opsPerSecond(server, roundMs));
    }
    return result;
  } finally {
    await emulator.close();
  }
}
