// Folding ranges for jobflow source: brackets ({ } [ ] ( )), triple-quoted
// strings, runs of comment lines and `# region` / `# endregion` markers.
// A small scanner that skips comments and literals (language.md section 2),
// so brackets inside strings do not count. No `vscode` import: unit-tested
// with plain Node.

export type FoldKind = 'comment' | 'region';

export interface Fold {
  /** 0-based line that stays visible. */
  start: number;
  /** 0-based last line hidden. */
  end: number;
  kind?: FoldKind;
}

const REGION_START = /^\s*#\s*region\b/;
const REGION_END = /^\s*#\s*endregion\b/;

const OPEN: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
const CLOSE: Record<string, string> = { '}': '{', ']': '[', ')': '(' };

function isIdChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

export function computeFolds(text: string): Fold[] {
  const folds: Fold[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  const lineStarts: number[] = [];
  {
    let offset = 0;
    const re = /\r\n|\n|\r/g;
    lineStarts.push(0);
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      offset = m.index + m[0].length;
      lineStarts.push(offset);
    }
  }
  let line = 0;
  const lineOf = (pos: number) => {
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= pos) {
      line++;
    }
    return line;
  };
  const firstOnLine = (pos: number) => {
    const l = lineOf(pos);
    return text.slice(lineStarts[l], pos).trim().length === 0;
  };

  const stack: { ch: string; line: number }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    if (ch === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const prev = text[i - 1];
      const prefix = i > 0 && /[bgre]/.test(prev) && !isIdChar(text[i - 2]) ? prev : '';
      const startLine = lineOf(i);
      if (prefix === '' && text.startsWith(ch.repeat(3), i)) {
        // triple-quoted string: ends at the last three quotes of the first
        // run of three or more unescaped quotes
        i += 3;
        while (i < n) {
          if (text[i] === '\\') {
            i += 2;
            continue;
          }
          if (text[i] === ch) {
            let j = i;
            while (j < n && text[j] === ch) j++;
            if (j - i >= 3) {
              i = j;
              break;
            }
            i = j;
            continue;
          }
          i++;
        }
        const endLine = lineOf(Math.min(i, n) - 1);
        if (endLine > startLine) {
          folds.push({ start: startLine, end: endLine });
        }
        continue;
      }
      // one-quote string, binary or pattern literal: ends at the quote or at
      // a raw line break; a backslash keeps the next character
      i++;
      while (i < n && text[i] !== ch && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '\\') {
          if (prefix === 'r' || prefix === 'g' || prefix === 'e') {
            if (text[i + 1] === '\n' || text[i + 1] === '\r') break;
          } else if (text[i + 1] === '\r' && text[i + 2] === '\n') {
            i += 3;
            continue;
          }
          i += 2;
          continue;
        }
        i++;
      }
      if (text[i] === ch) i++;
      continue;
    }
    if (OPEN[ch] !== undefined) {
      stack.push({ ch, line: lineOf(i) });
    } else if (CLOSE[ch] !== undefined) {
      let k = stack.length - 1;
      while (k >= 0 && stack[k].ch !== CLOSE[ch]) k--;
      if (k >= 0) {
        const open = stack[k];
        stack.length = k;
        const closeLine = lineOf(i);
        const end = firstOnLine(i) ? closeLine - 1 : closeLine;
        if (end > open.line) {
          folds.push({ start: open.line, end });
        }
      }
    }
    i++;
  }

  // comment runs and region markers
  const regions: number[] = [];
  let runStart = -1;
  const flushRun = (endLine: number) => {
    if (runStart >= 0 && endLine > runStart) {
      folds.push({ start: runStart, end: endLine, kind: 'comment' });
    }
    runStart = -1;
  };
  lines.forEach((l, idx) => {
    if (REGION_START.test(l)) {
      flushRun(idx - 1);
      regions.push(idx);
      return;
    }
    if (REGION_END.test(l)) {
      flushRun(idx - 1);
      const start = regions.pop();
      if (start !== undefined && idx > start) {
        folds.push({ start, end: idx, kind: 'region' });
      }
      return;
    }
    if (/^\s*#/.test(l)) {
      if (runStart < 0) runStart = idx;
    } else {
      flushRun(idx - 1);
    }
  });
  flushRun(lines.length - 1);

  // one range per start line (the largest), sorted
  const byStart = new Map<number, Fold>();
  for (const f of folds) {
    const seen = byStart.get(f.start);
    if (seen === undefined || f.end > seen.end) {
      byStart.set(f.start, f);
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start || b.end - a.end);
}
