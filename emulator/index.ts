/**
 * A local LINE Login v2.1 emulator: one loopback node:http server with LINE's paths, parameters,
 * status codes and JSON shapes. It is the test peer of the project's LINE client and a server a
 * developer can point an app at. This is its public entry; README.md has the map of the modules
 * and the ledger of every choice made where LINE's documentation is silent.
 *
 * Fidelity comes first: where LINE is strict (exact redirect_uri, single-use codes, refresh
 * tokens bounded by the ORIGINAL issue time, email never listed in `scope`) so is the emulator.
 */

import { isLoopbackBindAddress } from '../src/core/loopback';
import { emulatorSetup } from './config/toEmulator';
import type { LocalLineConfig } from './config/types';
import { issueTokens, ID_TOKEN_LIFETIME_SECONDS } from './endpoints/grants/issue';
import { EmulatorError } from './errors';
import { FaultBook } from './faults';
import { EmulatorServer, urlHost } from './server';
import type { EmulatorState } from './state';
import { Clock } from './state/clock';
import { AuthorizationCodes, PendingConsents } from './state/codes';
import { Consents, Sessions } from './state/consents';
import { Directory } from './state/directory';
import { ChannelTokenSigner, SigningKeys } from './state/keys';
import { parseScopes } from './state/scopes';
import { TokenStore } from './state/tokens';
import type {
  ActiveFault,
  EmulatorChannel,
  EmulatorEndpoint,
  EmulatorExchange,
  EmulatorFault,
  EmulatorSnapshot,
  EmulatorUser,
  IssuedTokens,
  RecordedRequest,
} from './types';

export { parseLocalLineConfig } from './config/parse';
export { STARTER_LOCAL_LINE_CONFIG } from './config/starter';
export type {
  ConfigProblem,
  LocalLineChannelConfig,
  LocalLineConfig,
  LocalLineConfigResult,
  LocalLineUserConfig,
} from './config/types';
export type {
  ActiveFault,
  EmulatorSnapshot,
  EmulatorChannel,
  EmulatorEndpoint,
  EmulatorExchange,
  EmulatorFault,
  EmulatorUser,
  IssuedTokens,
  RecordedRequest,
} from './types';

export interface LineEmulatorOptions {
  /** Bind address, default '127.0.0.1'. Loopback only: anything else is refused. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Host name for browser-facing URLs, e.g. 'line-emulator.localhost'. Default: the bind host. */
  browserHost?: string;
  channels?: EmulatorChannel[];
  users?: EmulatorUser[];
  /**
   * A Local LINE configuration (parseLocalLineConfig): its channels, users, lifetimes and consent
   * mode. Not combined with `channels`, `users`, `autoApprove` or the lifetime options.
   */
  config?: LocalLineConfig;
  /** true: approve as the first user without a consent page; a string: approve as that userId. */
  autoApprove?: boolean | string;
  /** Injectable clock (epoch ms) for expiry tests. */
  now?: () => number;
  /** Default 2592000 (30 days). */
  accessTokenLifetimeSeconds?: number;
  /** Default 90 days, counted from the ORIGINAL issue. */
  refreshTokenLifetimeMs?: number;
  /** Default 10 minutes. */
  codeLifetimeMs?: number;
  /** Request log. Lines carry no tokens, codes or secrets (and are passed through redaction anyway). */
  log?: (line: string) => void;
  /**
   * README ledger L2: true issues a new refresh token on every refresh (the sent one stops working).
   * Default false: LINE's reference returns the refresh token that was sent.
   */
  refreshTokenRotation?: boolean;
  /** README ledger L3: whether a refresh ends the access token it replaces. Default true (unconfirmed). */
  refreshRevokesOldAccessToken?: boolean;
  /**
   * README ledger L6: revoking a token LINE does not hold as live. Default 'badRequest' (400
   * `{"error":"invalid_request"}`, what LINE's iOS SDK expects); 'ok' answers an empty 200.
   */
  revokeInvalidToken?: 'badRequest' | 'ok';
  /**
   * README ledger L9: how the token endpoint reports failed client authentication and missing
   * parameters. Default 'lineSample' (400 invalid_request "some parameters missed or invalid", the
   * only public sample); 'oauth' names the parameter, with invalid_client for client authentication.
   */
  tokenErrorStyle?: 'lineSample' | 'oauth';
  /**
   * Told of each request on a known path with the emulator's answer, unmasked (the Inspector's
   * view of an app under test). A throwing observer is logged and ignored.
   */
  onExchange?: (exchange: EmulatorExchange) => void;
}

export interface LineEmulator {
  /** `http://127.0.0.1:<port>`: what node code calls. */
  readonly apiBaseUrl: string;
  /** `http://<browserHost>:<port>`: what the browser opens; also the ID token `iss`. */
  readonly authorizeBaseUrl: string;
  readonly port: number;
  /** Everything received on a known path, oldest first. Empty it with `requests.length = 0`. */
  readonly requests: RecordedRequest[];
  addChannel(channel: EmulatorChannel): void;
  addUser(user: EmulatorUser): void;
  /** Applies to the endpoint before normal processing; `times` (default: until cleared) counts down. */
  setFault(endpoint: EmulatorEndpoint, fault: EmulatorFault, times?: number): void;
  clearFaults(): void;
  /** Ends one endpoint's fault, one-shot or sticky. */
  clearFault(endpoint: EmulatorEndpoint): void;
  /** The faults still waiting; `remaining` undefined: sticky. */
  activeFaults(): ActiveFault[];
  /**
   * Serves this configuration from now on. Codes and tokens already issued for channels and users
   * that remain keep working (with the lifetimes they were issued with); those of removed channels
   * or users stop, as revoked tokens. Throws, changing nothing, for a configuration it cannot serve.
   */
  reconfigure(config: LocalLineConfig): void;
  /** "This user's tokens expired": their access tokens now answer as expired (refresh still works). */
  expireUserTokens(userId: string): void;
  /** Every access and refresh token issued so far stops working, as if revoked. */
  revokeAll(): void;
  /** "The user added (or unfriended) the channel's Official Account". */
  setFriendship(userId: string, channelId: string, friend: boolean): void;
  /** The channels and users served, without secrets. */
  snapshot(): EmulatorSnapshot;
  /** New ES256 key with a new kid; the old key leaves the JWKS (POST verify still accepts it until the next rotation). */
  rotateSigningKey(): Promise<string>;
  /**
   * Signs an ID token for tests. Defaults (iss, aud, iat, exp = iat + 3600, amr) are overridden by
   * `claims`; a claim set to `undefined` is removed. ES256 with a `kid` of a known key uses that key,
   * with an unknown `kid` the current key under that (wrong) kid.
   */
  signIdToken(
    channelId: string,
    claims: Record<string, unknown>,
    options?: { alg?: 'HS256' | 'ES256'; kid?: string },
  ): Promise<string>;
  /** Skips the browser (and records consent, as a completed login would). */
  issueTokensDirectly(channelId: string, userId: string, scopes: string[], nonce?: string): Promise<IssuedTokens>;
  /** Stops listening and destroys open sockets. */
  close(): Promise<void>;
}

export async function startLineEmulator(options: LineEmulatorOptions = {}): Promise<LineEmulator> {
  const emulator = new Emulator(options);
  await emulator.start();
  return emulator;
}

const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
const DEFAULT_REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const DEFAULT_CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Validates the options, builds the state and the server, and offers the test API over them. */
class Emulator implements LineEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly #host: string;
  readonly #browserHost: string;
  readonly #state: EmulatorState;
  readonly #faults = new FaultBook();
  readonly #server: EmulatorServer;

  constructor(options: LineEmulatorOptions) {
    this.#host = options.host ?? '127.0.0.1';
    if (!isLoopbackBindAddress(this.#host)) {
      throw new Error(`The LINE emulator listens on loopback only; refusing host ${JSON.stringify(this.#host)}.`);
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`Invalid port ${String(options.port)}.`);
    }
    const browserHost = options.browserHost ?? this.#host;
    if (!/^(?:[A-Za-z0-9.-]+|\[?::1\]?)$/.test(browserHost)) {
      throw new Error(`Invalid browserHost ${JSON.stringify(browserHost)}: a host name without scheme, port or path.`);
    }
    this.#browserHost = browserHost.replace(/^\[|\]$/g, '');
    const clock = new Clock(options.now ?? Date.now);
    const directory = new Directory();
    const setup = options.config === undefined ? undefined : configSetup(options, options.config);
    this.#state = {
      clock,
      urls: this,
      directory,
      autoApprove: setup?.autoApprove ?? options.autoApprove ?? false,
      behaviour: {
        refreshTokenRotation: options.refreshTokenRotation ?? false,
        refreshRevokesOldAccessToken: options.refreshRevokesOldAccessToken ?? true,
        revokeInvalidToken: options.revokeInvalidToken ?? 'badRequest',
        tokenErrorStyle: options.tokenErrorStyle ?? 'lineSample',
      },
      pending: new PendingConsents(clock),
      codes: new AuthorizationCodes(clock, setup?.codeMs ?? options.codeLifetimeMs ?? DEFAULT_CODE_LIFETIME_MS),
      consents: new Consents(),
      sessions: new Sessions(directory),
      tokens: new TokenStore(clock, {
        accessTokenSeconds:
          setup?.accessTokenSeconds ?? options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
        refreshTokenMs: setup?.refreshTokenMs ?? options.refreshTokenLifetimeMs ?? DEFAULT_REFRESH_TOKEN_LIFETIME_MS,
      }),
      keys: new SigningKeys(),
      channelTokens: new ChannelTokenSigner(clock),
    };
    this.#server = new EmulatorServer({
      host: this.#host,
      port,
      browserHost: this.#browserHost,
      state: this.#state,
      faults: this.#faults,
      record: (request) => this.requests.push(request),
      exchange: options.onExchange,
      log: options.log,
    });
    directory.replace(setup?.channels ?? options.channels ?? [], setup?.users ?? options.users ?? []);
  }

  get port(): number {
    return this.#server.port;
  }

  get apiBaseUrl(): string {
    return `http://${urlHost(this.#host)}:${this.port}`;
  }

  get authorizeBaseUrl(): string {
    return `http://${urlHost(this.#browserHost)}:${this.port}`;
  }

  async start(): Promise<void> {
    await this.#state.keys.start();
    await this.#server.listen();
  }

  addChannel(channel: EmulatorChannel): void {
    this.#state.directory.addChannel(channel);
  }

  addUser(user: EmulatorUser): void {
    this.#state.directory.addUser(user);
  }

  setFault(endpoint: EmulatorEndpoint, fault: EmulatorFault, times?: number): void {
    this.#faults.set(endpoint, fault, times);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  clearFault(endpoint: EmulatorEndpoint): void {
    this.#faults.clearEndpoint(endpoint);
  }

  activeFaults(): ActiveFault[] {
    return this.#faults.list();
  }

  reconfigure(config: LocalLineConfig): void {
    const setup = emulatorSetup(config);
    const { directory, tokens, codes, consents } = this.#state;
    directory.replace(setup.channels, setup.users);
    const remains = (channelId: string, userId: string): boolean =>
      directory.hasChannel(channelId) && directory.user(userId) !== undefined;
    // A removed channel's or user's tokens fail as invalid (revoked), as LINE's do.
    tokens.revokeGrants((grant) => !remains(grant.channelId, grant.userId));
    consents.retain(remains);
    tokens.lifetimes = { accessTokenSeconds: setup.accessTokenSeconds, refreshTokenMs: setup.refreshTokenMs };
    codes.lifetimeMs = setup.codeMs;
    this.#state.autoApprove = setup.autoApprove;
  }

  expireUserTokens(userId: string): void {
    this.#user(userId);
    this.#state.tokens.expireAccessTokensOf(userId);
  }

  revokeAll(): void {
    this.#state.tokens.revokeGrants(() => true);
  }

  setFriendship(userId: string, channelId: string, friend: boolean): void {
    this.#state.directory.setFriendship(userId, channelId, friend);
  }

  snapshot(): EmulatorSnapshot {
    const { directory } = this.#state;
    return {
      channels: directory.channels().map((channel) => ({
        channelId: channel.channelId,
        name: channel.name,
        kind: (channel.appTypes ?? ['web']).includes('mobile') ? 'native' : 'web',
        callbackUrls: [...channel.callbackUrls],
      })),
      users: directory.users().map((user) => ({
        userId: user.userId,
        displayName: user.displayName,
        ...(user.email === undefined ? {} : { email: user.email }),
      })),
    };
  }

  rotateSigningKey(): Promise<string> {
    return this.#state.keys.rotate();
  }

  async signIdToken(
    channelId: string,
    claims: Record<string, unknown>,
    options: { alg?: 'HS256' | 'ES256'; kid?: string } = {},
  ): Promise<string> {
    const channel = this.#channel(channelId);
    const iat = this.#state.clock.nowSeconds();
    const payload: Record<string, unknown> = {
      iss: this.authorizeBaseUrl,
      aud: channelId,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS,
      iat,
      amr: ['pwd'],
    };
    for (const [name, value] of Object.entries(claims)) {
      if (value === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- claims are caller-named by design
        delete payload[name];
      } else {
        payload[name] = value;
      }
    }
    return this.#state.keys.sign(channel, payload, options.alg ?? channel.idTokenAlg ?? 'HS256', options.kid);
  }

  async issueTokensDirectly(
    channelId: string,
    userId: string,
    scopes: string[],
    nonce?: string,
  ): Promise<IssuedTokens> {
    const channel = this.#channel(channelId);
    const user = this.#user(userId);
    let parsed: ReturnType<typeof parseScopes>;
    try {
      parsed = parseScopes(scopes.join(' '));
    } catch (error) {
      throw error instanceof EmulatorError ? new Error(`Invalid scopes: ${error.description}.`) : error;
    }
    this.#state.consents.record(channelId, userId, parsed);
    const { body } = await issueTokens(this.#state, channel, user, parsed, nonce, undefined);
    return body;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  #user(userId: string): EmulatorUser {
    const user = this.#state.directory.user(userId);
    if (user === undefined) {
      throw new Error(`Unknown user ${userId}.`);
    }
    return user;
  }

  #channel(channelId: string): EmulatorChannel {
    const channel = this.#state.directory.channel(channelId);
    if (channel === undefined) {
      throw new Error(`Unknown channel ${channelId}.`);
    }
    return channel;
  }
}

/** The configuration's setup; it replaces the options it covers, so both at once is a mistake. */
function configSetup(options: LineEmulatorOptions, config: LocalLineConfig): ReturnType<typeof emulatorSetup> {
  const overlapping = (
    [
      'channels',
      'users',
      'autoApprove',
      'accessTokenLifetimeSeconds',
      'refreshTokenLifetimeMs',
      'codeLifetimeMs',
    ] as const
  ).filter((name) => options[name] !== undefined);
  if (overlapping.length > 0) {
    throw new TypeError(`Pass either config or ${overlapping.join(', ')}, not both.`);
  }
  return emulatorSetup(config);
}
