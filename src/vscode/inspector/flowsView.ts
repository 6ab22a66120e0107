/**
 * The "Flows" view in the LINE Login container: flows newest first with an outcome icon, their
 * steps, and each step's checks (failures first). Labels quote LINE's answers only as plain text.
 */
import vscode = require('vscode');
import type { Verdict } from '../../core/inspector/model';
import { sortChecks } from '../../core/inspector/report';
import { formatTime } from '../format';
import { fitDescription, fitParts } from '../tree/rowWidth';
import type { FlowEntry, FlowHistory } from './flowHistory';
import { flowKindLabel } from './labels';

export const FLOWS_VIEW_ID = 'lineLogin.flows';

/**
 * A node of the view. A class, not a plain object: commands treat a plain object argument as
 * automation, a class instance as the node a menu passed.
 */
export class FlowTreeNode {
  private constructor(
    readonly type: 'flow' | 'step' | 'check',
    readonly flowId: string,
    readonly stepIndex = -1,
    readonly checkId = '',
  ) {}

  static flow(flowId: string): FlowTreeNode {
    return new FlowTreeNode('flow', flowId);
  }

  static step(flowId: string, stepIndex: number): FlowTreeNode {
    return new FlowTreeNode('step', flowId, stepIndex);
  }

  static check(flowId: string, stepIndex: number, checkId: string): FlowTreeNode {
    return new FlowTreeNode('check', flowId, stepIndex, checkId);
  }
}

const VERDICT_ICONS: Record<Verdict, vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  'n/a': new vscode.ThemeIcon('circle-slash'),
};

function outcomeIcon(entry: FlowEntry): vscode.ThemeIcon {
  switch (entry.summary.outcome) {
    case 'succeeded':
      return entry.diagnosis === undefined
        ? VERDICT_ICONS.pass
        : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'failed':
      return VERDICT_ICONS.fail;
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
  }
}

function worst(verdicts: Verdict[]): Verdict {
  return verdicts.includes('fail')
    ? 'fail'
    : verdicts.includes('warn')
      ? 'warn'
      : verdicts.includes('pass')
        ? 'pass'
        : 'n/a';
}

export class FlowsView implements vscode.TreeDataProvider<FlowTreeNode>, vscode.Disposable {
  readonly #onDidChangeTreeData = new vscode.EventEmitter<FlowTreeNode | undefined>();
  readonly onDidChangeTreeData = this.#onDidChangeTreeData.event;
  readonly #subscription: vscode.Disposable;

  constructor(readonly history: FlowHistory) {
    this.#subscription = history.onDidChange(() => {
      this.#onDidChangeTreeData.fire(undefined);
    });
  }

  getChildren(node?: FlowTreeNode): FlowTreeNode[] {
    if (node === undefined) {
      return this.history.entries().map((entry) => FlowTreeNode.flow(entry.summary.id));
    }
    const entry = this.history.entry(node.flowId);
    if (entry === undefined) {
      return [];
    }
    if (node.type === 'flow') {
      return entry.summary.steps.map((_, index) => FlowTreeNode.step(node.flowId, index));
    }
    if (node.type === 'step') {
      const step = entry.summary.steps[node.stepIndex];
      return step === undefined
        ? []
        : sortChecks(step.checks).map((c) => FlowTreeNode.check(node.flowId, node.stepIndex, c.id));
    }
    return [];
  }

  getParent(node: FlowTreeNode): FlowTreeNode | undefined {
    switch (node.type) {
      case 'flow':
        return undefined;
      case 'step':
        return FlowTreeNode.flow(node.flowId);
      case 'check':
        return FlowTreeNode.step(node.flowId, node.stepIndex);
    }
  }

  getTreeItem(node: FlowTreeNode): vscode.TreeItem {
    const entry = this.history.entry(node.flowId);
    if (entry === undefined) {
      return new vscode.TreeItem(vscode.l10n.t('(no longer recorded)'));
    }
    const { summary } = entry;
    if (node.type === 'flow') {
      const label = flowKindLabel(summary.kind);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `flow:${summary.id}`;
      // When the row is full the duration goes first, then the time; the diagnosis stays (all in the tooltip).
      const description = fitParts('flow', label, [
        { text: formatTime(summary.startedAt), rank: 2 },
        { text: `${summary.durationMs} ms`, rank: 1 },
        ...(entry.diagnosis === undefined ? [] : [{ text: entry.diagnosis.code, rank: 3 }]),
      ]);
      if (description !== undefined) {
        item.description = description;
      }
      item.iconPath = outcomeIcon(entry);
      item.contextValue =
        entry.flow === undefined
          ? 'lineLoginFlowSummary'
          : summary.kind === 'signIn'
            ? 'lineLoginFlow.signIn'
            : 'lineLoginFlow';
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(
        [
          `${summary.outcome} · ${new Date(summary.startedAt).toISOString()} · ${summary.durationMs} ms`,
          ...(summary.channelId === undefined ? [] : [vscode.l10n.t('Channel ID: {0}', summary.channelId)]),
          ...(entry.diagnosis === undefined ? [] : [`${entry.diagnosis.code}: ${entry.diagnosis.title}`]),
        ].join('\n'),
      );
      item.tooltip = tooltip;
      item.command = { command: 'lineLogin.showFlow', title: vscode.l10n.t('Show Flow'), arguments: [node] };
      return item;
    }
    if (node.type === 'step') {
      const step = summary.steps[node.stepIndex];
      const item = new vscode.TreeItem(
        step?.name ?? '?',
        step !== undefined && step.checks.length > 0
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `flow:${summary.id}:step:${node.stepIndex}`;
      item.description =
        step === undefined ? '' : `${step.status === undefined ? '' : `${step.status} · `}${step.durationMs} ms`;
      item.iconPath = VERDICT_ICONS[worst(step?.checks.map((c) => c.verdict) ?? [])];
      return item;
    }
    const check = summary.steps[node.stepIndex]?.checks.find((c) => c.id === node.checkId);
    const full = entry.flow?.steps[node.stepIndex]?.checks.find((c) => c.id === node.checkId);
    const item = new vscode.TreeItem(node.checkId);
    item.id = `flow:${summary.id}:step:${node.stepIndex}:check:${node.checkId}`;
    const citation = fitDescription('check', node.checkId, check?.citation.label ?? '', 'end');
    if (citation !== undefined) {
      item.description = citation;
    }
    item.iconPath = VERDICT_ICONS[check?.verdict ?? 'n/a'];
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(
      `${check?.verdict ?? ''}: ${full?.explanation ?? ''}\n${check?.citation.label ?? ''} ${check?.citation.url ?? ''}`,
    );
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#onDidChangeTreeData.dispose();
  }
}
