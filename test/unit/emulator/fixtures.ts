/** Channels, users, clock and HTTP helpers shared by the emulator's per-endpoint tests. */

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startLineEmulator } from '../../../emulator/index';
import { postForm } from '../../support/forms';
import type {
  EmulatorChannel,
  EmulatorUser,
  IssuedTokens,
  LineEmulator,
  LineEmulatorOptions,
} from '../../../emulator/index';

export const CALLBACK = 'http://127.0.0.1:33418/callback';
export const CALLBACK_WITH_QUERY = 'http://localhost:33418/cb?app=1';

export const WEB: EmulatorChannel = {
  channelId: '1650000001',
  channelSecret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  callbackUrls: [CALLBACK, CALLBACK_WITH_QUERY],
  name: 'Web <b>"app"</b> & co',
};

export const NATIVE: EmulatorChannel = {
  channelId: '1650000002',
  channelSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  callbackUrls: [CALLBACK],
  idTokenAlg: 'ES256',
  appTypes: ['mobile'],
  name: 'Native app',
};

export const ALICE: EmulatorUser = {
  userId: `U${'a1'.repeat(16)}`,
  displayName: '<script>alert("x")</script>',
  pictureUrl: 'https://profile.example/alice',
  statusMessage: 'hello',
  email: 'alice@example.com',
  friendOf: [WEB.channelId],
};

export const BOB: EmulatorUser = { userId: `U${'b2'.repeat(16)}`, displayName: '佐藤 次郎' };

export const DAY = 24 * 60 * 60 * 1000;
export const START = Date.UTC(2026, 0, 1);

export interface Clock {
  now: () => number;
  advance: (ms: number) => void;
}

export function clock(): Clock {
  let at = START;
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
  };
}

export async function start(options: LineEmulatorOptions = {}): Promise<LineEmulator> {
  return startLineEmulator({ channels: [WEB, NATIVE], users: [ALICE, BOB], ...options });
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(emulator: LineEmulator, params: Record<string, string | undefined> = {}): string {
  const defaults: Record<string, string> = {
    response_type: 'code',
    client_id: WEB.channelId,
    redirect_uri: CALLBACK,
    state: randomBytes(16).toString('hex'),
    scope: 'profile openid',
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...defaults, ...params })) {
    if (value !== undefined) {
      query.set(name, value);
    }
  }
  return `${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize?${query.toString()}`;
}

export async function authorize(
  emulator: LineEmulator,
  params: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(authorizeUrl(emulator, params), { redirect: 'manual', headers });
}

export function location(response: Response): URL {
  const value = response.headers.get('location');
  assert.ok(value !== null, `expected a redirect, got ${response.status}`);
  return new URL(value);
}

/** Authorize (auto-approve) and return the code. */
export async function getCode(
  emulator: LineEmulator,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const response = await authorize(emulator, params);
  assert.equal(response.status, 302);
  const code = location(response).searchParams.get('code');
  assert.ok(code !== null);
  return code;
}

export async function exchange(
  emulator: LineEmulator,
  code: string,
  extra: Record<string, string> = {},
  channel: EmulatorChannel = WEB,
): Promise<Response> {
  return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    client_id: channel.channelId,
    client_secret: channel.channelSecret,
    ...extra,
  });
}

export async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export async function login(
  emulator: LineEmulator,
  params: Record<string, string | undefined> = {},
  channel: EmulatorChannel = WEB,
): Promise<IssuedTokens> {
  const code = await getCode(emulator, { client_id: channel.channelId, ...params });
  const response = await exchange(emulator, code, {}, channel);
  assert.equal(response.status, 200);
  return json<IssuedTokens>(response);
}

export async function refresh(
  emulator: LineEmulator,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: WEB.channelId,
    client_secret: WEB.channelSecret,
    ...extra,
  });
}

export async function verifyAccessToken(emulator: LineEmulator, accessToken: string): Promise<Response> {
  return fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(accessToken)}`);
}

export async function assertOAuthError(
  response: Response,
  status: number,
  error: string,
  description?: string,
): Promise<void> {
  assert.equal(response.status, status);
  const body = await json<{ error: string; error_description: string }>(response);
  assert.equal(body.error, error);
  if (description !== undefined) {
    assert.equal(body.error_description, description);
  }
}

export function hs256Key(channel: EmulatorChannel): Uint8Array {
  return new TextEncoder().encode(channel.channelSecret);
}

export { postForm };
