/**
 * The report card of one app session: per check, the worst verdict over the session's flows, how
 * often each verdict came up and which flows it concerns, plus the session-level checks (logout
 * revokes, deauthorize). Built from masked flows only, so the VS Code side can build it from the
 * flows it was given. Text from the app or LINE is escaped: data, never Markdown, HTML or a link.
 */
import { inlineMarkdown, markdownTable } from '../../markdownText';
import type { Check, Citation, Flow, Verdict } from '../model';
import { deauthorizeObservedCheck, logoutRevokeCheck } from './apiChecks';

export interface ReportCardLine {
  checkId: string;
  /** The worst verdict seen. */
  verdict: Verdict;
  counts: Record<Verdict, number>;
  /** The explanation of a worst-verdict instance. */
  explanation: string;
  citation: Citation;
  /** Flows where the check came out with the worst verdict, oldest first. */
  flowIds: string[];
}

export interface ReportCard {
  sessionId: string;
  channelId: string;
  app: string;
  flowCount: number;
  verdict: Verdict;
  /** Failures first, then warnings, passes, n/a; by check id within each. */
  lines: ReportCardLine[];
}

const RANK: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2, 'n/a': 3 };
const MARK: Record<Verdict, string> = { fail: 'FAIL', warn: 'WARN', pass: 'pass', 'n/a': 'n/a' };

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'n/a';
  for (const verdict of verdicts) {
    if (RANK[verdict] < RANK[worst]) {
      worst = verdict;
    }
  }
  return worst;
}

function isOk(flow: Flow, stepName: string): boolean {
  return flow.steps.some(
    (step) =>
      step.name === stepName &&
      step.response !== undefined &&
      step.response.status >= 200 &&
      step.response.status <= 299,
  );
}

/** Session-level checks, from the flows alone: a revoke flow names the login whose token it ended. */
function sessionChecks(flows: readonly Flow[]): { check: Check; flowIds: string[] }[] {
  const withTokens = flows.filter((flow) => flow.kind === 'signIn' && isOk(flow, 'token'));
  const revoked = new Set(
    flows
      .filter((flow) => flow.kind === 'revoke' && isOk(flow, 'revoke'))
      .flatMap((flow) => (flow.app?.loginFlowId === undefined ? [] : [flow.app.loginFlowId])),
  );
  const notRevoked = withTokens.filter((flow) => !revoked.has(flow.id));
  const result = [
    {
      check: logoutRevokeCheck(withTokens.length, withTokens.length - notRevoked.length),
      flowIds: (notRevoked.length > 0 ? notRevoked : withTokens).map((flow) => flow.id),
    },
  ];
  const deauthorize = deauthorizeObservedCheck(flows.some((flow) => flow.kind === 'deauthorize'));
  if (deauthorize !== undefined) {
    result.push({ check: deauthorize, flowIds: [] });
  }
  return result;
}

export function buildReportCard(
  session: { sessionId: string; channelId: string; app: string },
  flows: readonly Flow[],
): ReportCard {
  const ordered = [...flows].sort((a, b) => a.startedAt - b.startedAt);
  const byId = new Map<string, { instances: { check: Check; flowId: string | undefined }[] }>();
  const add = (check: Check, flowId: string | undefined): void => {
    const entry = byId.get(check.id) ?? { instances: [] };
    entry.instances.push({ check, flowId });
    byId.set(check.id, entry);
  };
  for (const flow of ordered) {
    for (const step of flow.steps) {
      for (const check of step.checks) {
        add(check, flow.id);
      }
    }
  }
  for (const { check, flowIds } of sessionChecks(ordered)) {
    if (flowIds.length === 0) {
      add(check, undefined);
    }
    for (const flowId of flowIds) {
      add(check, flowId);
    }
  }
  const lines: ReportCardLine[] = [];
  for (const [checkId, { instances }] of byId) {
    const verdict = worstVerdict(instances.map((instance) => instance.check.verdict));
    const counts: Record<Verdict, number> = { fail: 0, warn: 0, pass: 0, 'n/a': 0 };
    for (const instance of instances) {
      counts[instance.check.verdict] += 1;
    }
    const worst = instances.filter((instance) => instance.check.verdict === verdict);
    const first = worst[0]?.check;
    if (first === undefined) {
      continue;
    }
    lines.push({
      checkId,
      verdict,
      counts,
      explanation: first.explanation,
      citation: first.citation,
      flowIds: [...new Set(worst.flatMap((instance) => (instance.flowId === undefined ? [] : [instance.flowId])))],
    });
  }
  lines.sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || a.checkId.localeCompare(b.checkId));
  return {
    sessionId: session.sessionId,
    channelId: session.channelId,
    app: session.app,
    flowCount: ordered.length,
    verdict: worstVerdict(lines.map((line) => line.verdict)),
    lines,
  };
}

function countsText(counts: Record<Verdict, number>): string {
  return (['fail', 'warn', 'pass', 'n/a'] as const)
    .filter((verdict) => counts[verdict] > 0)
    .map((verdict) => `${counts[verdict]} ${verdict}`)
    .join(', ');
}

/**
 * The report card's own words around the checks; the VS Code side passes them in VS Code's language
 * (the checks' explanations are LINE's contract and stay as written).
 */
export interface ReportCardWords {
  readonly title: string;
  readonly channelId: string;
  readonly appSession: string;
  readonly flows: string;
  readonly overall: string;
  readonly verdict: string;
  readonly check: string;
  readonly seen: string;
  readonly why: string;
  readonly rule: string;
}

export const ENGLISH_REPORT_CARD_WORDS: ReportCardWords = {
  title: 'LINE Login report card',
  channelId: 'Channel ID',
  appSession: 'App session',
  flows: 'Flows',
  overall: 'Overall',
  verdict: 'Verdict',
  check: 'Check',
  seen: 'Seen',
  why: 'Why',
  rule: 'Rule',
};

/** The report card as a Markdown document. */
export function reportCardMarkdown(card: ReportCard, words: ReportCardWords = ENGLISH_REPORT_CARD_WORDS): string {
  const lines = [
    `# ${words.title}: ${inlineMarkdown(card.app)}`,
    '',
    `- ${words.channelId}: ${inlineMarkdown(card.channelId)}`,
    `- ${words.appSession}: ${inlineMarkdown(card.sessionId)}`,
    `- ${words.flows}: ${card.flowCount}`,
    `- ${words.overall}: ${MARK[card.verdict]}`,
    '',
    markdownTable(
      [words.verdict, words.check, words.seen, words.why, words.rule, words.flows],
      card.lines.map((line) => [
        MARK[line.verdict],
        line.checkId,
        countsText(line.counts),
        line.explanation,
        { markdown: `[${inlineMarkdown(line.citation.label)}](${line.citation.url})` },
        line.flowIds.join(' '),
      ]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
