/**
 * What a flow becomes outside the Inspector: the `lineLogin.listFlows` summary, the flow document
 * (also the Markdown report for a support ticket), and the request as .http and curl. All of it is
 * built from the masked trace; exports put every secret in an environment variable, never inline.
 * Text that came from LINE or the browser is escaped (core/markdownText.ts): data, never Markdown,
 * HTML or a link.
 */
import { writeHttpFile, type HttpFileRequest } from '../exports/httpFile';
import { inlineMarkdown } from '../markdownText';
import { diagnose } from './doctor';
import type { Check, Diagnosis, Flow, FlowSummary, Step, Verdict } from './model';

export function toSummary(flow: Flow, diagnosis: Diagnosis | undefined = diagnose(flow)): FlowSummary {
  return {
    id: flow.id,
    kind: flow.kind,
    ...(flow.source === undefined ? {} : { source: flow.source }),
    ...(flow.app === undefined ? {} : { app: { ...flow.app } }),
    ...(flow.channelId === undefined ? {} : { channelId: flow.channelId }),
    ...(flow.userId === undefined ? {} : { userId: flow.userId }),
    startedAt: flow.startedAt,
    durationMs: flow.durationMs,
    outcome: flow.outcome,
    ...(diagnosis === undefined ? {} : { diagnosis: { code: diagnosis.code, title: diagnosis.title } }),
    steps: flow.steps.map((step) => ({
      name: step.name,
      ...(step.response === undefined ? {} : { status: step.response.status }),
      ...(step.response?.lineRequestId === undefined ? {} : { lineRequestId: step.response.lineRequestId }),
      durationMs: step.durationMs,
      checks: step.checks.map((c) => ({ id: c.id, verdict: c.verdict, citation: c.citation })),
    })),
  };
}

const VERDICT_RANK: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2, 'n/a': 3 };
const VERDICT_MARK: Record<Verdict, string> = { fail: 'FAIL', warn: 'WARN', pass: 'pass', 'n/a': 'n/a' };

export function sortChecks<T extends Pick<Check, 'verdict'>>(checks: readonly T[]): T[] {
  return [...checks].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]);
}

function utc(ms: number): string {
  return new Date(ms).toISOString();
}

function stepRank(step: Step): number {
  return Math.min(...step.checks.map((c) => VERDICT_RANK[c.verdict]), step.networkError === undefined ? 2 : 0);
}

/** The read-only flow document and the Markdown report: the same text, so support sees what you saw. */
export function flowDocument(flow: Flow, diagnosis: Diagnosis | undefined = diagnose(flow)): string {
  const e = inlineMarkdown;
  const lines: string[] = [];
  lines.push(`# LINE Login flow: ${flow.kind} (${flow.outcome})`, '');
  lines.push(`- Flow ID: ${e(flow.id)}`);
  if (flow.source === 'app') {
    lines.push(`- Source: your app (${e(flow.app?.app ?? '(unknown app)')})`);
  }
  lines.push(`- Channel ID: ${e(flow.channelId ?? '(unknown)')}`);
  if (flow.userId !== undefined) {
    lines.push(`- User ID: ${e(flow.userId)}`);
  }
  lines.push(`- Started: ${utc(flow.startedAt)} (UTC), took ${flow.durationMs} ms`);
  if (flow.error !== undefined) {
    lines.push(`- Error: ${e(flow.error.code)}: ${e(flow.error.message)}`);
  }
  const requestIds = flow.steps.flatMap((s) =>
    s.response?.lineRequestId === undefined ? [] : [`${s.name} ${s.response.lineRequestId}`],
  );
  if (requestIds.length > 0) {
    lines.push(`- x-line-request-id: ${requestIds.map(e).join(', ')}`);
  }
  if (diagnosis !== undefined) {
    lines.push('', `## Diagnosis: ${diagnosis.code}`, '', e(diagnosis.title), '');
    for (const item of diagnosis.evidence) {
      lines.push(`- ${e(item)}`);
    }
    lines.push('', `Fix: ${e(diagnosis.fix)}`, '', `Documentation: <${diagnosis.docUrl}>`);
  }
  lines.push('', '## Timeline', '');
  for (const step of flow.steps) {
    const status =
      step.response === undefined ? (step.networkError === undefined ? '' : ' no answer') : ` ${step.response.status}`;
    lines.push(`- ${utc(step.startedAt)} +${step.durationMs} ms ${step.name}${status}`);
  }
  lines.push('', '## Steps (failures first)');
  const steps = [...flow.steps].sort((a, b) => stepRank(a) - stepRank(b));
  for (const step of steps) {
    lines.push('', `### ${step.name}`, '');
    if (step.request !== undefined) {
      lines.push(`${e(step.request.method)} ${e(step.request.url)}`, '');
      for (const [name, value] of Object.entries(step.request.params)) {
        lines.push(`- ${e(name)} = ${e(value)}`);
      }
      for (const [name, value] of Object.entries(step.request.headers)) {
        lines.push(`- header ${e(name)}: ${e(value)}`);
      }
    }
    if (step.networkError !== undefined) {
      lines.push('', `No answer: ${e(step.networkError)}`);
    }
    if (step.response !== undefined) {
      const r = step.response;
      lines.push(
        '',
        `Answer: ${r.status}${r.lineRequestId === undefined ? '' : `, x-line-request-id ${e(r.lineRequestId)}`}${r.retryAfter === undefined ? '' : `, Retry-After ${e(r.retryAfter)}`}`,
      );
      for (const [name, value] of Object.entries(r.fields)) {
        lines.push(`- ${e(name)} = ${e(typeof value === 'string' ? value : JSON.stringify(value))}`);
      }
      if (r.bodyNote !== undefined) {
        lines.push(`- body: ${e(r.bodyNote)}`);
      }
      if (r.idToken !== undefined) {
        lines.push(`- ID token header: ${e(JSON.stringify(r.idToken.header))}`);
        lines.push(`- ID token claims: ${e(JSON.stringify(r.idToken.claims))}`);
      }
    }
    if (step.checks.length > 0) {
      lines.push('', '| Verdict | Check | Why | Rule |', '| --- | --- | --- | --- |');
      for (const c of sortChecks(step.checks)) {
        lines.push(
          `| ${VERDICT_MARK[c.verdict]} | ${e(c.id)} | ${e(c.explanation)} | [${e(c.citation.label)}](${c.citation.url}) |`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Secret fields and the environment variable an export reads each from. */
export const SECRET_ENV: Readonly<Record<string, string>> = {
  access_token: 'LINE_ACCESS_TOKEN',
  refresh_token: 'LINE_REFRESH_TOKEN',
  id_token: 'LINE_ID_TOKEN',
  code: 'LINE_AUTHORIZATION_CODE',
  code_verifier: 'LINE_CODE_VERIFIER',
  client_secret: 'LINE_CHANNEL_SECRET',
  userAccessToken: 'LINE_ACCESS_TOKEN',
  state: 'LINE_STATE',
  nonce: 'LINE_NONCE',
};

function exportable(flow: Flow): Step[] {
  return flow.steps.filter(
    (s) => s.request !== undefined && s.name !== 'authorize' && s.name !== 'callback' && s.name !== 'authorizeProbe',
  );
}

/** Deauthorize is authorized by a channel access token, every other Bearer call by the user's. */
function bearerEnv(step: Step): string {
  return step.name === 'deauthorize' ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_ACCESS_TOKEN';
}

function isJsonStep(step: Step): boolean {
  return step.name === 'deauthorize';
}

/** REST Client / httpyac syntax (exports/httpFile.ts writes it). */
export function toHttpFile(flow: Flow): string {
  const env = (name: string): string => `{{$processEnv ${name}}}`;
  const value = (name: string, v: string): string => (SECRET_ENV[name] === undefined ? v : env(SECRET_ENV[name]));
  const comments = [
    `LINE Login flow ${flow.id} (${flow.kind}), recorded ${utc(flow.startedAt)}`,
    'Secrets are read from environment variables: set them before sending.',
  ];
  const authorize = flow.steps.find((s) => s.name === 'authorize');
  if (authorize?.request !== undefined) {
    const query = Object.entries(authorize.request.params).map(
      ([n, v]) =>
        `${n}=${encodeURIComponent(value(n, v)).replace(/%7B/g, '{').replace(/%7D/g, '}').replace(/%24/g, '$').replace(/%20/g, '+')}`,
    );
    comments.push(`Open in a browser: ${authorize.request.url}?${query.join('&')}`);
  }
  const requests: HttpFileRequest[] = [];
  for (const step of exportable(flow)) {
    const request = step.request;
    if (request === undefined) {
      continue;
    }
    const params = Object.entries(request.params);
    const hasBody = request.method !== 'GET';
    const query = hasBody || params.length === 0 ? '' : `?${params.map(([n, v]) => `${n}=${value(n, v)}`).join('&')}`;
    const headers: (readonly [string, string])[] = [];
    if (request.headers.authorization !== undefined) {
      headers.push(['Authorization', `Bearer ${env(bearerEnv(step))}`]);
    }
    let body: string | undefined;
    if (hasBody && params.length > 0) {
      if (isJsonStep(step)) {
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify(Object.fromEntries(params.map(([n, v]) => [n, value(n, v)])));
      } else {
        headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
        body = params
          .map(([n, v]) => `${n}=${SECRET_ENV[n] === undefined ? encodeURIComponent(v) : value(n, v)}`)
          .join('\n&');
      }
    }
    requests.push({
      name: step.name,
      method: request.method,
      url: `${request.url}${query}`,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  }
  return writeHttpFile({ comments, requests });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(flow: Flow): string {
  const blocks: string[] = [
    `# LINE Login flow ${flow.id}: export ${[...new Set(Object.values(SECRET_ENV))].join(', ')} as needed`,
  ];
  for (const step of exportable(flow)) {
    const request = step.request;
    if (request === undefined) {
      continue;
    }
    const parts = [`curl -sS -X ${request.method} ${shellQuote(request.url)}`];
    if (request.method === 'GET' && Object.keys(request.params).length > 0) {
      parts.push('--get');
    }
    if (request.headers.authorization !== undefined) {
      parts.push(`-H "Authorization: Bearer $${bearerEnv(step)}"`);
    }
    if (isJsonStep(step)) {
      const fields = Object.entries(request.params).map(([n, v]) =>
        SECRET_ENV[n] === undefined ? `"${n}":${JSON.stringify(v)}` : `"${n}":"'"$${SECRET_ENV[n]}"'"`,
      );
      parts.push(`-H 'Content-Type: application/json'`, `-d '{${fields.join(',')}}'`);
    } else {
      for (const [name, v] of Object.entries(request.params)) {
        const env = SECRET_ENV[name];
        parts.push(
          env === undefined ? `--data-urlencode ${shellQuote(`${name}=${v}`)}` : `--data-urlencode "${name}=$${env}"`,
        );
      }
    }
    blocks.push(`# ${step.name}\n${parts.join(' \\\n  ')}`);
  }
  return `${blocks.join('\n\n')}\n`;
}
