/** Everything a handler may read or change, each part with its one owner. */

import type { Clock } from './clock';
import type { AuthorizationCodes, PendingConsents } from './codes';
import type { Consents, Sessions } from './consents';
import type { Directory } from './directory';
import type { ChannelTokenSigner, SigningKeys } from './keys';
import type { TokenStore } from './tokens';

export interface EmulatorUrls {
  /** `http://<bind host>:<port>`: what node code calls. */
  readonly apiBaseUrl: string;
  /** `http://<browserHost>:<port>`: what the browser opens; also the ID token `iss`. */
  readonly authorizeBaseUrl: string;
}

/** Where LINE's behaviour is ambiguous, the emulator's switches (README ledger rows named on each). */
export interface Behaviour {
  /** L2: a refresh returns a new refresh token (and the sent one dies). Default false: the same one. */
  readonly refreshTokenRotation: boolean;
  /** L3: the access token a refresh replaces stops working. Default true. */
  readonly refreshRevokesOldAccessToken: boolean;
  /** L6: revoking an unknown, expired, revoked or other channel's token. Default 'badRequest' (400). */
  readonly revokeInvalidToken: 'badRequest' | 'ok';
  /** L9: token endpoint answers to failed client authentication and missing parameters. Default 'lineSample'. */
  readonly tokenErrorStyle: 'lineSample' | 'oauth';
}

export interface EmulatorState {
  readonly clock: Clock;
  readonly urls: EmulatorUrls;
  readonly directory: Directory;
  /** true: approve as the first user without a consent page; a string: approve as that userId. */
  autoApprove: boolean | string;
  readonly behaviour: Behaviour;
  readonly pending: PendingConsents;
  readonly codes: AuthorizationCodes;
  readonly consents: Consents;
  readonly sessions: Sessions;
  readonly tokens: TokenStore;
  readonly keys: SigningKeys;
  readonly channelTokens: ChannelTokenSigner;
}
