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

export interface EmulatorState {
  readonly clock: Clock;
  readonly urls: EmulatorUrls;
  readonly directory: Directory;
  /** true: approve as the first user without a consent page; a string: approve as that userId. */
  readonly autoApprove: boolean | string;
  readonly pending: PendingConsents;
  readonly codes: AuthorizationCodes;
  readonly consents: Consents;
  readonly sessions: Sessions;
  readonly tokens: TokenStore;
  readonly keys: SigningKeys;
  readonly channelTokens: ChannelTokenSigner;
}
