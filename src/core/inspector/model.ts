/**
 * The Inspector's trace of one LINE Login flow. Everything here is masked when it is captured
 * (see mask.ts): a Flow can be kept, listed, exported and shared without holding a token, code,
 * verifier, state, nonce or channel secret in full.
 */

export type Verdict = 'pass' | 'fail' | 'warn' | 'n/a';

export interface Citation {
  /** "RFC 6749 §4.1.3", "OIDC Core §3.1.3.7", "LINE Login v2.1 API reference: Issue access token". */
  label: string;
  url: string;
}

export interface Check {
  /** Stable, e.g. `idToken.nonce`. */
  id: string;
  verdict: Verdict;
  /** One line. May quote LINE's answer: data, never Markdown or HTML. */
  explanation: string;
  citation: Citation;
}

export type StepName =
  | 'authorize'
  | 'authorizeProbe'
  | 'callback'
  | 'token'
  | 'refresh'
  | 'verifyAccessToken'
  | 'verifyIdToken'
  | 'revoke'
  | 'userinfo'
  | 'profile'
  | 'friendship'
  | 'deauthorize'
  | 'channelToken'
  | 'other';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StepRequest {
  method: string;
  /** Origin and path; the query is in `params`. */
  url: string;
  /** Query or form fields, secrets masked. */
  params: Record<string, string>;
  /** Request headers worth seeing, secrets masked. */
  headers: Record<string, string>;
}

export interface DecodedIdToken {
  header: Record<string, JsonValue>;
  /** nonce and email masked; times as LINE sent them (seconds). */
  claims: Record<string, JsonValue>;
}

export interface StepResponse {
  status: number;
  lineRequestId?: string;
  retryAfter?: string;
  /** Top-level body fields, secrets masked; a non-JSON body is summarized in `bodyNote`. */
  fields: Record<string, JsonValue>;
  bodyNote?: string;
  idToken?: DecodedIdToken;
}

export interface Step {
  name: StepName;
  /** Epoch ms by the recorder's clock. */
  startedAt: number;
  durationMs: number;
  request?: StepRequest;
  response?: StepResponse;
  /** The request never got an answer (refused, timed out, cancelled). */
  networkError?: string;
  checks: Check[];
}

export type FlowKind =
  | 'signIn'
  | 'refresh'
  | 'verifyAccessToken'
  | 'verifyIdToken'
  | 'revoke'
  | 'deauthorize'
  | 'profile'
  | 'userinfo'
  | 'friendship'
  | 'channelToken'
  | 'other';

export type FlowOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface FlowError {
  code: string;
  /** Redacted. */
  message: string;
}

/**
 * Who made the requests: this extension (its own sign-in and commands) or the developer's app talking
 * to the local emulator. Flows stored by versions without the field are the extension's.
 */
export type FlowSource = 'extension' | 'app';

/** Where an app flow belongs: one app (the redirect_uri origin) using one channel. */
export interface AppFlowContext {
  sessionId: string;
  channelId: string;
  /** The app's origin as its redirect_uri names it, or '(unknown app)'. */
  app: string;
  /** For a refresh, revoke or deauthorize: the login whose tokens it used. */
  loginFlowId?: string;
}

export function flowSource(flow: { source?: FlowSource }): FlowSource {
  return flow.source ?? 'extension';
}

export interface Flow {
  id: string;
  kind: FlowKind;
  /** Absent: 'extension'. */
  source?: FlowSource;
  app?: AppFlowContext;
  channelId?: string;
  userId?: string;
  startedAt: number;
  durationMs: number;
  outcome: FlowOutcome;
  error?: FlowError;
  steps: Step[];
  /** Epoch ms by the recorder's clock when the ID token was checked: the reference for skew. */
  clockAt?: number;
}

export interface Diagnosis {
  code: DiagnosisCode;
  title: string;
  /** What in the trace shows it, one fact a line. */
  evidence: string[];
  fix: string;
  docUrl: string;
}

export type DiagnosisCode =
  | 'REDIRECT_URI_MISMATCH'
  | 'CALLBACK_NOT_RECEIVED'
  | 'EMAIL_NOT_GRANTED'
  | 'SCOPE_NOT_GRANTED'
  | 'CONSENT_DENIED'
  | 'AUTO_LOGIN_FAILED'
  | 'STATE_MISMATCH'
  | 'ID_TOKEN_ALG_UNEXPECTED'
  | 'NONCE_MISMATCH'
  | 'CLOCK_SKEW'
  | 'ACCESS_TOKEN_EXPIRED'
  | 'REFRESH_TOKEN_EXPIRED'
  | 'RATE_LIMITED'
  | 'INVALID_CLIENT'
  | 'FRIENDSHIP_NOT_LINKED';

/** The `lineLogin.listFlows` item: a summary without secrets, also what survives a restart. */
export interface FlowSummary {
  id: string;
  kind: FlowKind;
  /** Absent (and in summaries persisted by earlier versions): 'extension'. */
  source?: FlowSource;
  app?: AppFlowContext;
  channelId?: string;
  userId?: string;
  startedAt: number;
  durationMs: number;
  outcome: FlowOutcome;
  diagnosis?: { code: DiagnosisCode; title: string };
  steps: {
    name: StepName;
    status?: number;
    lineRequestId?: string;
    durationMs: number;
    checks: { id: string; verdict: Verdict; citation: Citation }[];
  }[];
}
