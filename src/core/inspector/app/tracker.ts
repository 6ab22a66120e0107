/**
 * Your app's traffic to the local emulator as Inspector flows. Each exchange the emulator reports
 * (`onExchange`) is grouped into a flow: a login (authorize → consent → the redirect carrying the
 * code → token exchange → the verify/profile/userinfo calls made with its tokens), or a refresh,
 * revoke, deauthorize or ID token verification of its own. Flows belong to an app session (one app,
 * named by its redirect_uri origin, on one channel). Secrets stay in this object's memory for the
 * checks; a Flow is masked before any listener sees it.
 */
import type { EmulatorExchange } from '../../../../emulator/types';
import { Redactor } from '../../redact';
import type { Check, Flow, FlowKind, StepName } from '../model';
import { bearerCheck, clientAuthCheck, deauthorizeCheck, refreshWindowCheck, verifyClientIdCheck } from './apiChecks';
import {
  authorizationOf,
  bearerOf,
  callbackStep,
  formOf,
  jsonBodyOf,
  locationOf,
  maskedStep,
  queryOf,
  responseJsonOf,
  secretsOf,
} from './exchangeSteps';
import {
  codeOnceCheck,
  codeTimelyCheck,
  nonceCheck,
  pkceCheck,
  rawField,
  redirectIdenticalCheck,
  redirectRegisteredCheck,
  stateChecks,
} from './loginChecks';
import { AppSessions, appOf, sha256, UNKNOWN_CHANNEL, type AppSession, type SessionRecord } from './appSessions';
import { buildReportCard, type ReportCard } from './reportCard';

export interface TrackedChannel {
  channelId: string;
  callbackUrls: readonly string[];
  channelSecret: string;
}

export interface AppTrafficTrackerOptions {
  /** Epoch ms. */
  now: () => number;
  /** The channels the emulator serves now (callback URLs for the checks, secrets for masking). */
  channels: () => readonly TrackedChannel[];
  /** Flows kept, oldest dropped first. Default 200. */
  capacity?: number;
}

/** One login's secrets, in memory only. */
interface Login {
  flow: Flow;
  session: SessionRecord;
  authorizeRawRedirect?: string;
  codeIssuedAt?: number;
  tokenRequests: number;
  tokensIssuedAt?: number;
}

function ok(exchange: EmulatorExchange): boolean {
  const status = exchange.response?.status;
  return status !== undefined && status >= 200 && status <= 399;
}

const PENDING_FIELD = /name="pending" value="([^"]+)"/;

export class AppTrafficTracker {
  readonly #channels: () => readonly TrackedChannel[];
  readonly #redactor = new Redactor();
  readonly #sessions: AppSessions;
  /** Code, pending consent, access/refresh/ID token (each prefixed by its kind) → the login. */
  readonly #logins = new Map<string, Login>();
  readonly #listeners = new Set<(flow: Flow) => void>();

  constructor(options: AppTrafficTrackerOptions) {
    this.#channels = options.channels;
    this.#sessions = new AppSessions(options.now, options.capacity ?? 200);
  }

  /** Called with a masked copy of a flow each time it is created or grows (same `id`: replace it). */
  onFlow(listener: (flow: Flow) => void): { dispose(): void } {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  sessions(): AppSession[] {
    return this.#sessions.list();
  }

  /** Masked copies, oldest first. */
  flows(sessionId?: string): Flow[] {
    return this.#sessions.flows(sessionId);
  }

  /** undefined for a session this tracker does not know (or no longer keeps). */
  reportCard(sessionId: string): ReportCard | undefined {
    const session = this.#sessions.get(sessionId);
    return session === undefined
      ? undefined
      : buildReportCard({ sessionId, channelId: session.channelId, app: session.app }, this.flows(sessionId));
  }

  /** The emulator's `onExchange`. Never throws: a bad exchange must not disturb the app under test. */
  readonly observe = (exchange: EmulatorExchange): void => {
    try {
      this.#observe(exchange);
    } catch {
      // The emulator logs and ignores a throwing observer; nothing of the exchange is kept.
    }
  };

  #observe(exchange: EmulatorExchange): void {
    for (const channel of this.#channels()) {
      this.#redactor.add(channel.channelSecret);
    }
    for (const secret of secretsOf(exchange)) {
      this.#redactor.add(secret);
    }
    const { endpoint, method } = exchange.request;
    switch (endpoint) {
      case 'authorize':
        if (method === 'GET') {
          this.#authorize(exchange);
        } else {
          this.#consent(exchange);
        }
        return;
      case 'token':
        if (formOf(exchange).get('grant_type') === 'refresh_token') {
          this.#refresh(exchange);
        } else {
          this.#token(exchange);
        }
        return;
      case 'verify':
        this.#userCall(exchange, 'verifyAccessToken');
        return;
      case 'profile':
      case 'userinfo':
      case 'friendship':
        this.#userCall(exchange, endpoint);
        return;
      case 'verifyIdToken':
        this.#verifyIdToken(exchange);
        return;
      case 'revoke':
        this.#revoke(exchange);
        return;
      case 'deauthorize':
        this.#deauthorize(exchange);
        return;
      case 'channelToken':
        this.#standalone(exchange, 'channelToken', 'channelToken', formOf(exchange).get('client_id') ?? undefined, [
          clientAuthCheck(authorizationOf(exchange), formOf(exchange)),
        ]);
        return;
      case 'certs':
        return;
    }
  }

  #authorize(exchange: EmulatorExchange): void {
    const query = queryOf(exchange);
    const channelId = query.get('client_id') ?? UNKNOWN_CHANNEL;
    const redirectUri = query.get('redirect_uri');
    const session = this.#sessions.session(channelId, appOf(redirectUri));
    const state = query.get('state') ?? undefined;
    const stateHash = state === undefined || state === '' ? undefined : sha256(state);
    const usedBefore = stateHash !== undefined && session.stateHashes.has(stateHash);
    if (stateHash !== undefined) {
      session.stateHashes.add(stateHash);
    }
    const scopes = (query.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
    const channel = this.#channels().find((candidate) => candidate.channelId === channelId);
    const checks: Check[] = [
      ...stateChecks(state, usedBefore),
      pkceCheck(query.get('code_challenge_method') ?? undefined, query.get('code_challenge') ?? undefined),
      nonceCheck(scopes, query.get('nonce') ?? undefined),
      redirectRegisteredCheck(redirectUri ?? undefined, channel?.callbackUrls),
    ];
    const flow = this.#newFlow('signIn', session, channelId, exchange.request.at);
    const rawRedirect = rawField(exchange.request.rawQuery, 'redirect_uri');
    const login: Login = {
      flow,
      session,
      tokenRequests: 0,
      ...(rawRedirect === undefined ? {} : { authorizeRawRedirect: rawRedirect }),
    };
    flow.steps.push(maskedStep('authorize', exchange, this.#redactor, checks));
    this.#authorizeAnswer(login, exchange);
  }

  /** The consent page's form post continues the login that showed the page. */
  #consent(exchange: EmulatorExchange): void {
    const pending = formOf(exchange).get('pending');
    const login = pending === null ? undefined : this.#logins.get(`pending:${pending}`);
    if (login === undefined) {
      this.#standalone(exchange, 'signIn', 'authorize', undefined, []);
      return;
    }
    login.flow.steps.push(maskedStep('authorize', exchange, this.#redactor, []));
    this.#authorizeAnswer(login, exchange);
  }

  #authorizeAnswer(login: Login, exchange: EmulatorExchange): void {
    const location = locationOf(exchange);
    const pending = exchange.response?.status === 200 ? PENDING_FIELD.exec(exchange.response.body)?.[1] : undefined;
    if (pending !== undefined) {
      this.#index(login, `pending:${pending}`);
    } else if (location !== undefined) {
      login.flow.steps.push(callbackStep(location, exchange.answeredAt, this.#redactor, []));
      const code = location.searchParams.get('code');
      if (code !== null) {
        login.codeIssuedAt = exchange.answeredAt;
        this.#index(login, `code:${code}`);
      } else if (location.searchParams.has('error')) {
        login.flow.outcome = 'failed';
      }
    } else {
      login.flow.outcome = 'failed';
    }
    this.#touch(login.flow, exchange);
  }

  #token(exchange: EmulatorExchange): void {
    const form = formOf(exchange);
    const code = form.get('code');
    const login = code === null ? undefined : this.#logins.get(`code:${code}`);
    const clientAuth = clientAuthCheck(authorizationOf(exchange), form);
    if (login === undefined) {
      this.#standalone(exchange, 'signIn', 'token', form.get('client_id') ?? undefined, [
        clientAuth,
        codeOnceCheckUnknown(),
      ]);
      return;
    }
    const checks = [
      clientAuth,
      redirectIdenticalCheck(login.authorizeRawRedirect, rawField(exchange.request.rawBody, 'redirect_uri')),
      codeOnceCheck(login.tokenRequests),
      codeTimelyCheck(login.codeIssuedAt, exchange.request.at),
    ];
    login.tokenRequests += 1;
    login.flow.steps.push(maskedStep('token', exchange, this.#redactor, checks));
    this.#issued(login, exchange);
    this.#touch(login.flow, exchange);
  }

  /** Indexes the tokens an answer issued under the login they belong to. */
  #issued(login: Login, exchange: EmulatorExchange): void {
    const body = responseJsonOf(exchange);
    if (body === undefined || !ok(exchange)) {
      return;
    }
    for (const field of ['access_token', 'refresh_token', 'id_token'] as const) {
      const value = body[field];
      if (typeof value === 'string') {
        this.#index(login, `${field}:${value}`);
      }
    }
    if (typeof body.access_token === 'string') {
      login.tokensIssuedAt ??= exchange.answeredAt;
    }
    const idToken = login.flow.steps.at(-1)?.response?.idToken;
    if (typeof idToken?.claims.sub === 'string') {
      login.flow.userId ??= idToken.claims.sub;
    }
  }

  #refresh(exchange: EmulatorExchange): void {
    const form = formOf(exchange);
    const refreshToken = form.get('refresh_token');
    const login = refreshToken === null ? undefined : this.#logins.get(`refresh_token:${refreshToken}`);
    const checks = [
      clientAuthCheck(authorizationOf(exchange), form),
      refreshWindowCheck(login?.tokensIssuedAt, exchange.request.at, login !== undefined),
    ];
    this.#standalone(exchange, 'refresh', 'refresh', form.get('client_id') ?? undefined, checks, login);
    if (login !== undefined) {
      this.#issued(login, exchange);
    }
  }

  #userCall(exchange: EmulatorExchange, name: 'verifyAccessToken' | 'profile' | 'userinfo' | 'friendship'): void {
    const query = queryOf(exchange);
    const form = formOf(exchange);
    const bearer = bearerOf(exchange);
    const token = bearer ?? query.get('access_token') ?? form.get('access_token') ?? undefined;
    const login = token === undefined ? undefined : this.#logins.get(`access_token:${token}`);
    // LINE's GET /oauth2/v2.1/verify takes the token in the query by design: nothing to flag there.
    const checks =
      name === 'verifyAccessToken'
        ? []
        : [
            bearerCheck(
              bearer !== undefined
                ? 'header'
                : query.has('access_token')
                  ? 'query'
                  : form.has('access_token')
                    ? 'body'
                    : 'none',
            ),
          ];
    this.#attach(exchange, name, checks, login, query.get('client_id') ?? undefined);
  }

  #verifyIdToken(exchange: EmulatorExchange): void {
    const form = formOf(exchange);
    const idToken = form.get('id_token');
    const login = idToken === null ? undefined : this.#logins.get(`id_token:${idToken}`);
    const checks = [verifyClientIdCheck(form.get('client_id') ?? undefined, login?.flow.channelId)];
    this.#attach(exchange, 'verifyIdToken', checks, login, form.get('client_id') ?? undefined);
  }

  #revoke(exchange: EmulatorExchange): void {
    const form = formOf(exchange);
    const token = form.get('access_token') ?? form.get('refresh_token');
    const login =
      token === null
        ? undefined
        : (this.#logins.get(`access_token:${token}`) ?? this.#logins.get(`refresh_token:${token}`));
    const checks = [clientAuthCheck(authorizationOf(exchange), form)];
    this.#standalone(exchange, 'revoke', 'revoke', form.get('client_id') ?? undefined, checks, login);
  }

  #deauthorize(exchange: EmulatorExchange): void {
    const body = jsonBodyOf(exchange);
    const userToken = typeof body?.userAccessToken === 'string' ? body.userAccessToken : undefined;
    const login = userToken === undefined ? undefined : this.#logins.get(`access_token:${userToken}`);
    const bearer = bearerOf(exchange);
    const bearerIsUserToken = bearer !== undefined && this.#logins.has(`access_token:${bearer}`);
    const checks = [deauthorizeCheck(bearerIsUserToken, bearer !== undefined, exchange.response?.status)];
    this.#standalone(exchange, 'deauthorize', 'deauthorize', undefined, checks, login);
  }

  /** A call made with a login's token joins that login's flow; otherwise it is a flow of its own. */
  #attach(
    exchange: EmulatorExchange,
    name: StepName,
    checks: Check[],
    login: Login | undefined,
    channelId: string | undefined,
  ): void {
    if (login === undefined) {
      this.#standalone(exchange, STEP_FLOW_KIND[name] ?? 'other', name, channelId, checks);
      return;
    }
    login.flow.steps.push(maskedStep(name, exchange, this.#redactor, checks));
    this.#touch(login.flow, exchange);
  }

  #standalone(
    exchange: EmulatorExchange,
    kind: FlowKind,
    name: StepName,
    channelId: string | undefined,
    checks: Check[],
    login?: Login,
  ): void {
    const session = login?.session ?? this.#sessions.fallback(channelId);
    const flow = this.#newFlow(
      kind,
      session,
      login?.flow.channelId ?? channelId ?? session.channelId,
      exchange.request.at,
    );
    if (login !== undefined && flow.app !== undefined) {
      flow.app.loginFlowId = login.flow.id;
      if (login.flow.userId !== undefined) {
        flow.userId = login.flow.userId;
      }
    }
    flow.steps.push(maskedStep(name, exchange, this.#redactor, checks));
    this.#touch(flow, exchange);
  }

  #newFlow(kind: FlowKind, session: SessionRecord, channelId: string, at: number): Flow {
    const { flow, dropped } = this.#sessions.newFlow(kind, session, channelId, at);
    if (dropped.length > 0) {
      for (const [key, login] of this.#logins) {
        if (dropped.includes(login.flow.id)) {
          this.#logins.delete(key);
        }
      }
    }
    return flow;
  }

  #index(login: Login, key: string): void {
    this.#logins.set(key, login);
  }

  /** Updates outcome and duration, then hands listeners a masked copy. */
  #touch(flow: Flow, exchange: EmulatorExchange): void {
    const status = exchange.response?.status;
    if (status === undefined || status >= 400) {
      flow.outcome = 'failed';
    }
    flow.durationMs = Math.max(0, exchange.answeredAt - flow.startedAt);
    this.#sessions.touch(flow);
    for (const listener of this.#listeners) {
      listener(structuredClone(flow));
    }
  }
}

const STEP_FLOW_KIND: Partial<Record<StepName, FlowKind>> = {
  verifyAccessToken: 'verifyAccessToken',
  verifyIdToken: 'verifyIdToken',
  profile: 'profile',
  userinfo: 'userinfo',
  friendship: 'friendship',
};

function codeOnceCheckUnknown(): Check {
  const check = codeOnceCheck(0);
  return { ...check, verdict: 'n/a', explanation: 'The login that issued this code was not seen.' };
}
