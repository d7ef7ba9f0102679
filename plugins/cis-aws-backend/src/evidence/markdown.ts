import {
  REASON_DESCRIPTIONS,
  ReasonCode,
  VERDICT_DESCRIPTIONS,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * Markdown building blocks that stay correct whatever the data holds: a trail name, an exception
 * reason or a policy document can contain pipes, backticks, brackets or HTML, and none of it may
 * break a table, end a code block early or render as markup.
 */

/** Free text: Markdown and HTML metacharacters escaped, line breaks kept inside one block. */
export function text(value: string): string {
  return value
    .replace(/[\\`*_[\]<>|#]/g, char => `\\${char}`)
    .replace(/\r?\n/g, ' ');
}

function longestRun(value: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of value) {
    current = c === char ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

/** An identifier (ARN, id, region) as inline code. */
export function code(value: string): string {
  const flat = value.replace(/\r?\n/g, ' ');
  const fence = '`'.repeat(longestRun(flat, '`') + 1);
  const padded =
    flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/** A fenced code block that its content cannot close. */
export function codeBlock(content: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
  return `${fence}${language}\n${content.replace(/\n$/, '')}\n${fence}`;
}

/** A link, or the plain label when there is no URL. */
export function link(label: string, url: string | undefined): string {
  if (!url) return text(label);
  const safe = url.replace(/[()\s<>]/g, char => encodeURIComponent(char));
  return `[${text(label)}](${safe})`;
}

/** A table cell: pipes escaped even inside code spans (GitHub's table rule). */
function cell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/** A GitHub-flavoured table; cells are Markdown already (use `text`/`code`). */
export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(headers),
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** A two-column "what / value" table. */
export function facts(rows: [string, string][]): string {
  return table(['', ''], rows);
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS UTC`; unreadable values as they are. */
export function when(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return 'never';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return text(iso);
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** A JSON text pretty-printed when it parses, as is when not. */
export function prettyJson(document: string): string {
  try {
    return JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    return document;
  }
}

/** "1 day", "3 days". */
export function plural(count: number, noun: string, nouns = `${noun}s`) {
  return `${count} ${count === 1 ? noun : nouns}`;
}

export function verdictWords(verdict: Verdict): string {
  return `**${verdict}** (${VERDICT_DESCRIPTIONS[
    verdict
  ].title.toLowerCase()})`;
}

export function reasonWords(reason: string | undefined): string {
  if (!reason) return '—';
  const description = REASON_DESCRIPTIONS[reason as ReasonCode];
  return description
    ? `${code(reason)}: ${text(description.title)}. ${text(
        description.explanation,
      )}`
    : code(reason);
}

export function optional(value: string | undefined): string {
  return value ? code(value) : '—';
}
