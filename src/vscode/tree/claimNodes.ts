/** The ID token's claims in the token explorer, and the methods of its `amr` claim. */
import vscode = require('vscode');
import { TIME_CLAIMS, type ClaimExplanation, type ClaimExplanationKey } from '../../core/jwtExplain';
import type { AccountKey } from '../../core/tokenStore';
import { amrExplanationKey, claimExplanation } from '../claimText';
import { formatDateTimeBoth, formatRelative } from '../format';
import { ExplorerNode } from './explorerNode';
import type { IdTokenNode } from './nodes';
import { fitDescription } from './rowWidth';

/** One claim of an ID token, with what it means. */
export class ClaimNode extends ExplorerNode {
  readonly kind = 'claim';
  readonly account: AccountKey;
  readonly claim: string;
  readonly explanationKey: ClaimExplanationKey;
  readonly explanation: string;

  constructor(explanation: ClaimExplanation, parent: IdTokenNode, now: number) {
    const methods =
      explanation.claim === 'amr' && Array.isArray(explanation.value)
        ? explanation.value.filter((method): method is string => typeof method === 'string')
        : undefined;
    super(
      explanation.claim,
      methods !== undefined && methods.length > 0
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
      parent,
    );
    this.account = parent.account;
    this.claim = explanation.claim;
    this.explanationKey = explanation.explanationKey;
    this.explanation = explanation.explanation;
    this.id = `${parent.id ?? ''}/claim/${explanation.claim}`;
    this.contextValue = 'claim';
    this.iconPath = new vscode.ThemeIcon('symbol-field');
    const time =
      TIME_CLAIMS.has(explanation.claim) && typeof explanation.value === 'number'
        ? explanation.value * 1000
        : undefined;
    // amr's display repeats every method's explanation; its children show those one per line. A time
    // shows how far away it is; the date, the exact value and the explanation are in the tooltip.
    const shown =
      methods !== undefined ? methods.join(', ') : time !== undefined ? formatRelative(time, now) : explanation.display;
    const description = fitDescription('claim', explanation.claim, shown, 'middle');
    if (description !== undefined) {
      this.description = description;
    }
    this.tooltip = [
      explanation.explanation,
      time === undefined ? explanation.display : `${formatDateTimeBoth(time)} · ${formatRelative(time, now)}`,
    ].join('\n\n');
    if (methods !== undefined) {
      this.setChildren(methods.map((method, index) => new AmrMethodNode(method, index, this)));
    }
  }
}

/** One value of the `amr` claim: how the user authenticated. */
export class AmrMethodNode extends ExplorerNode {
  readonly kind = 'amrMethod';
  readonly account: AccountKey;
  readonly method: string;

  constructor(method: string, index: number, parent: ClaimNode) {
    super(method, vscode.TreeItemCollapsibleState.None, parent);
    this.account = parent.account;
    this.method = method;
    this.id = `${parent.id ?? ''}/${index}`;
    this.contextValue = 'claim:amr';
    const explanation = claimExplanation(amrExplanationKey(method));
    const description = fitDescription('amrMethod', method, explanation, 'end');
    if (description !== undefined) {
      this.description = description;
    }
    this.tooltip = explanation;
  }
}
