/** POST /oauth2/v2.1/verify: LINE checks an ID token for the app and returns its claims. */

import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { Handler } from '../context';
import { invalidRequest } from '../errors';
import { field } from '../http';
import { json } from '../respond';
import type { EmulatorState } from '../state';
import type { SigningKey } from '../state/keys';
import type { EmulatorChannel } from '../types';
import { requireForm } from './clientAuth';

/** The checks run in LINE's listed order: signature, issuer, expiry, audience, nonce, subject. */
export const verifyIdToken: Handler = async (ctx, state) => {
  requireForm(ctx);
  const form = ctx.form.values;
  const idToken = field(form, 'id_token');
  const clientId = field(form, 'client_id');
  if (clientId === undefined || clientId === '') {
    throw invalidRequest('client_id is required');
  }
  if (idToken === undefined || idToken === '') {
    throw invalidRequest('Invalid IdToken.');
  }
  const verified = await verifySignature(state, idToken, clientId);
  if (verified === undefined) {
    throw invalidRequest('Invalid IdToken.');
  }
  const { payload, expired } = verified;
  if (payload.iss !== state.urls.authorizeBaseUrl) {
    throw invalidRequest('Invalid IdToken Issuer.');
  }
  if (expired) {
    throw invalidRequest('IdToken expired.');
  }
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audience.includes(clientId)) {
    throw invalidRequest('Invalid IdToken Audience.');
  }
  const nonce = field(form, 'nonce');
  if (nonce !== undefined && payload['nonce'] !== nonce) {
    throw invalidRequest('Invalid IdToken Nonce.');
  }
  const userId = field(form, 'user_id');
  if (userId !== undefined && payload.sub !== userId) {
    throw invalidRequest('Invalid IdToken Subject Identifier.');
  }
  return json(200, payload);
};

/**
 * The key comes from the algorithm LINE uses for each token source (HS256: the channel secret;
 * ES256: the emulator's keys by kid), and only those two algorithms are accepted, so `alg: none`
 * or a confused key type never verifies.
 */
async function verifySignature(
  state: EmulatorState,
  idToken: string,
  clientId: string,
): Promise<{ payload: JWTPayload; expired: boolean } | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(idToken);
  } catch {
    return undefined;
  }
  let key: Buffer | SigningKey['publicKey'];
  if (header.alg === 'HS256') {
    // The secret of the channel the token names, so a token sent with the wrong client_id is
    // reported as an audience mismatch rather than a bad signature.
    const channel = channelOfUnverifiedAudience(state, idToken) ?? state.directory.channel(clientId);
    if (channel === undefined) {
      return undefined;
    }
    key = Buffer.from(channel.channelSecret, 'utf8');
  } else if (header.alg === 'ES256') {
    const publicKey = state.keys.publicKeyFor(header.kid);
    if (publicKey === undefined) {
      return undefined;
    }
    key = publicKey;
  } else {
    return undefined;
  }
  try {
    const { payload } = await jwtVerify(idToken, key, {
      algorithms: [header.alg],
      currentDate: new Date(state.clock.now()),
    });
    return { payload, expired: false };
  } catch (error) {
    // jose checks the signature before the claims, so an expired token here is authentic.
    if (error instanceof joseErrors.JWTExpired) {
      return { payload: error.payload, expired: true };
    }
    return undefined;
  }
}

function channelOfUnverifiedAudience(state: EmulatorState, idToken: string): EmulatorChannel | undefined {
  const part = idToken.split('.')[1];
  if (part === undefined) {
    return undefined;
  }
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (typeof claims === 'object' && claims !== null && 'aud' in claims && typeof claims.aud === 'string') {
      return state.directory.channel(claims.aud);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
