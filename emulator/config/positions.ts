/** Offsets in the file as 1-based line and column, and paths in it as people write them. */

export type PathSegment = string | number;

/** 1-based line and column (UTF-16 code units, as editors count) of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let index = 0; index < end; index += 1) {
    const char = text.charCodeAt(index);
    // \r\n counts once: the \n ends the line.
    if (char === 10 || (char === 13 && text.charCodeAt(index + 1) !== 10)) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** ['channels', 0, 'channelId'] → `channels[0].channelId`; [] → `The file`. */
export function describePath(path: readonly PathSegment[]): string {
  if (path.length === 0) {
    return 'The file';
  }
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${segment}`))
    .join('');
}
