// Whether every row of the token explorer can be read whole: label and description inside the row at
// VS Code's default side-bar width, measured in the workbench's DOM (the workbench cuts whatever
// does not fit with an ellipsis, which a TreeItem's strings cannot show). Used by the English suite
// and the Japanese one (test/japanese), so both languages are measured.
import * as assert from 'node:assert/strict';
import { measure, readText } from '../host/client';

/** VS Code's side bar on first start in a window as wide as the harness's (1280 px): 300 px. */
export const DEFAULT_SIDE_BAR_WIDTH = 300;

/** The node and everything under it, depth first: the rows a fully expanded node shows. */
export async function descendants<T>(node: T, childrenOf: (node: T) => Promise<readonly T[]>): Promise<T[]> {
  const all: T[] = [node];
  for (const child of await childrenOf(node)) {
    all.push(...(await descendants(child, childrenOf)));
  }
  return all;
}

/**
 * Measures the rows of the view titled `viewTitle` and fails, naming them, for rows the workbench cut.
 * The tree draws only the rows in view, so `reveal` scrolls it to every sixth of `nodes` and the last
 * before a measurement. `expectedRows` are label starts that must be among the measured rows (that
 * the right view, with its nodes expanded, was measured at all). Returns the rows' texts.
 */
export async function assertTreeRowsFit<T>(
  viewTitle: string,
  expectedRows: readonly string[],
  nodes: readonly T[],
  reveal: (node: T) => Thenable<unknown>,
): Promise<readonly string[]> {
  // The mouse leaves the tree: a hovered row gives room to its inline actions (its hover shows it whole).
  await readText('.part.statusbar', { hover: '.part.statusbar' });
  const [sideBar] = await measure('.part.sidebar');
  assert.equal(sideBar?.clientWidth, DEFAULT_SIDE_BAR_WIDTH, 'the side bar has its default width');
  const rows = new Map<string, { text: string; scrollWidth: number; clientWidth: number }>();
  for (const node of nodes.filter((_, index) => index % 6 === 0 || index === nodes.length - 1)) {
    await reveal(node);
    const measured = await measure(
      `.part.sidebar .pane:has(> .pane-header h3.title:text-is("${viewTitle}")) .monaco-list-row .monaco-icon-label-container`,
    );
    for (const row of measured) {
      rows.set(row.text, row);
    }
  }
  const all = [...rows.values()];
  for (const label of expectedRows) {
    assert.ok(
      all.some((row) => row.text.startsWith(label)),
      `a row starting with ${JSON.stringify(label)} was measured; rows: ${JSON.stringify(all.map((row) => row.text))}`,
    );
  }
  const cut = all.filter((row) => row.scrollWidth > row.clientWidth);
  assert.deepEqual(
    cut.map((row) => `${row.text.replace(/\s+/g, ' ')} (${row.scrollWidth} px in ${row.clientWidth} px)`),
    [],
    `${cut.length} of ${all.length} rows do not fit the default side bar`,
  );
  return all.map((row) => row.text);
}
