/** The emulator's keys: ES256 ID-token signing keys (published as the JWKS) and the channel-token key. */

import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { GenerateKeyPairResult, JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import type { EmulatorChannel } from '../types';
import type { Clock } from './clock';
import { randomUrlSafe } from './randomValues';

export interface SigningKey {
  kid: string;
  privateKey: GenerateKeyPairResult['privateKey'];
  publicKey: GenerateKeyPairResult['publicKey'];
  jwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  // README ledger L5: LINE's kids are 64 hex digits (e.g. the JWKS in LINE's iOS SDK tests).
  const kid = randomBytes(32).toString('hex');
  const { crv, x, y } = await exportJWK(publicKey);
  if (crv === undefined || x === undefined || y === undefined) {
    throw new Error('Could not export the ES256 public key.');
  }
  return { kid, privateKey, publicKey, jwk: { kty: 'EC', alg: 'ES256', use: 'sig', kid, crv, x, y } };
}

/**
 * ID-token signing: HS256 with a channel's secret, or ES256 with the emulator's current key.
 * README ledger L5: LINE serves several keys at once, so the JWKS always holds the current key
 * and the next one (published before it signs anything), and clients must pick by kid.
 */
export class SigningKeys {
  #current: SigningKey | undefined;
  #next: SigningKey | undefined;
  #previous: SigningKey | undefined;

  async start(): Promise<void> {
    this.#current = await newSigningKey();
    this.#next = await newSigningKey();
  }

  /**
   * The next key becomes current and a new next key is published; the old current key leaves the
   * JWKS but still verifies (POST verify) until the following rotation. Returns the new current kid.
   */
  async rotate(): Promise<string> {
    const upcoming = await newSigningKey();
    this.#previous = this.#current;
    this.#current = this.#next ?? upcoming;
    this.#next = upcoming;
    return this.#currentKey().kid;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.#currentKey(), this.#next].flatMap((key) => (key === undefined ? [] : [key.jwk])) };
  }

  /** The public key of a kid this emulator published (current, next or previous). */
  publicKeyFor(kid: string | undefined): SigningKey['publicKey'] | undefined {
    return [this.#current, this.#next, this.#previous].find(
      (candidate) => candidate !== undefined && candidate.kid === kid,
    )?.publicKey;
  }

  /**
   * HS256: HMAC with the channel secret's UTF-8 bytes, no kid (LINE web login), unless a test asks
   * for one. ES256: the current key, or the previous one when its kid is asked for; an unknown kid
   * is written into the header over the current key (a test's "wrong kid").
   */
  async sign(
    channel: EmulatorChannel,
    payload: JWTPayload,
    alg: 'HS256' | 'ES256',
    kid: string | undefined,
  ): Promise<string> {
    const header: JWTHeaderParameters = { typ: 'JWT', alg };
    if (alg === 'HS256') {
      if (kid !== undefined) {
        header.kid = kid;
      }
      return new SignJWT(payload).setProtectedHeader(header).sign(Buffer.from(channel.channelSecret, 'utf8'));
    }
    const current = this.#currentKey();
    const key = kid !== undefined && this.#previous?.kid === kid ? this.#previous : current;
    header.kid = kid ?? key.kid;
    return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
  }

  #currentKey(): SigningKey {
    if (this.#current === undefined) {
      throw new Error('The LINE emulator has not been started.');
    }
    return this.#current;
  }
}

/** Signs and checks stateless channel access tokens (POST /oauth2/v3/token); the key never leaves the emulator. */
export class ChannelTokenSigner {
  readonly #key = randomBytes(32);

  constructor(private readonly clock: Clock) {}

  /** Stateless: everything needed to check it later is inside the signed token. */
  sign(channelId: string, lifetimeSeconds: number): Promise<string> {
    const iat = this.clock.nowSeconds();
    return new SignJWT({ chn: channelId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .setJti(randomUrlSafe(12))
      .sign(this.#key);
  }

  /** The channel ID inside a valid, unexpired token, else undefined. */
  async channelOf(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        currentDate: new Date(this.clock.now()),
      });
      const channelId = payload['chn'];
      return typeof channelId === 'string' ? channelId : undefined;
    } catch {
      return undefined;
    }
  }
}
