/**
 * What fits on one row of the token explorer and the Flows view at VS Code's default side-bar width
 * (300 px): a budget
 * in Latin-letter columns (see core/displayWidth.ts) for label, space and description together, per
 * node kind, because each level of the tree is indented further and the selected account row also
 * shows its inline action. A column is an average Latin letter; digits and hex are wider, so rows
 * whose values are IDs and hashes (claims) get fewer. Set by measuring in the workbench with its
 * default font; the extension-host tests check every row of both languages against the rendered width.
 */
import { displayWidth, fitEnd, fitMiddle } from '../../core/displayWidth';

export const ROW_BUDGET = {
  channel: 34,
  account: 32,
  token: 32,
  claim: 26,
  amrMethod: 24,
  // The Flows view: a flow, its steps, their checks.
  flow: 34,
  step: 32,
  check: 30,
} as const;

export type RowKind = keyof typeof ROW_BUDGET;

/** Columns left for the description after `label` on a row of `kind`. */
function descriptionRoom(kind: RowKind, label: string): number {
  return ROW_BUDGET[kind] - displayWidth(label) - 1;
}

/**
 * A value shortened to what is left of the row: in the middle for identifiers and URLs, at the end
 * for sentences. Undefined when too little is left to say anything; the tooltip has it all.
 */
export function fitDescription(kind: RowKind, label: string, value: string, cut: 'middle' | 'end'): string | undefined {
  const room = descriptionRoom(kind, label);
  if (displayWidth(value) <= room) {
    return value;
  }
  if (room < 6) {
    return undefined;
  }
  return cut === 'middle' ? fitMiddle(value, room) : fitEnd(value, room);
}

/** One part of a description; parts with the lowest `rank` are left out first when the row is full. */
export interface DescriptionPart {
  readonly text: string;
  readonly rank: number;
}

/**
 * The parts in their order, joined with " · ", leaving out the least important ones until the rest
 * fits ("revoke failed · Ueeee…eeee · selected" becomes "revoke failed · selected"); when even the
 * most important one does not, its start.
 */
export function fitParts(kind: RowKind, label: string, parts: readonly DescriptionPart[]): string | undefined {
  const room = descriptionRoom(kind, label);
  const kept = [...parts];
  while (kept.length > 0) {
    const text = kept.map((part) => part.text).join(' · ');
    if (displayWidth(text) <= room) {
      return text;
    }
    const least = kept.reduce((low, part) => (part.rank < low.rank ? part : low));
    if (kept.length === 1) {
      return room < 6 ? undefined : fitEnd(least.text, room);
    }
    kept.splice(kept.indexOf(least), 1);
  }
  return undefined;
}
