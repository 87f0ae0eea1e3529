import type { MessageSeverity, OutgoingMessage } from '../types';

// Pure helpers shared by the drivers: byte-exact truncation, SMS segment counting and the text of a message in
// each service's flavour. No I/O here, so the limits can be tested without a receiver.

export const SEVERITY_ZH: Record<MessageSeverity, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Cuts `s` to at most `maxBytes` UTF-8 bytes on a character (code point) boundary, ending with `ellipsis` when cut. */
export function truncateUtf8(s: string, maxBytes: number, ellipsis = '…'): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const budget = maxBytes - utf8Bytes(ellipsis);
  if (budget < 0) return '';
  let used = 0;
  let out = '';
  for (const ch of s) {
    const b = utf8Bytes(ch);
    if (used + b > budget) break;
    used += b;
    out += ch;
  }
  return out + ellipsis;
}

/** Cuts `s` to at most `maxChars` characters (code points). */
export function truncateChars(s: string, maxChars: number, ellipsis = '…'): string {
  const chars = [...s];
  if (chars.length <= maxChars) return s;
  return chars.slice(0, Math.max(0, maxChars - [...ellipsis].length)).join('') + ellipsis;
}

/** Characters as the carriers count them for UCS-2 SMS (a character outside the BMP takes two). */
export const smsLength = (text: string): number => text.length;

/** SMS parts: up to 70 characters is one message; longer ones go out concatenated, 67 characters per part (UCS-2). */
export function smsSegments(text: string): number {
  const n = smsLength(text);
  if (n === 0) return 0;
  return n <= 70 ? 1 : Math.ceil(n / 67);
}

/** Splits a text into UCS-2 concatenated parts of at most `perPart` UTF-16 units, never splitting a surrogate pair. */
export function splitSms(text: string, perPart = 67): string[] {
  if (text.length <= 70) return [text];
  const parts: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (cur.length + ch.length > perPart) {
      parts.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur) parts.push(cur);
  return parts;
}

export type MarkdownFlavor = 'wecom' | 'dingtalk' | 'feishu';

const WECOM_COLOR: Record<MessageSeverity, string> = { red: 'warning', orange: 'warning', yellow: 'comment', blue: 'info' };

function markdownWith(msg: OutgoingMessage, flavor: MarkdownFlavor, lines: string[], more: number): string {
  const out: string[] = [];
  if (flavor === 'wecom') out.push(`### <font color="${WECOM_COLOR[msg.severity]}">${msg.title}</font>`);
  else if (flavor === 'dingtalk') out.push(`### ${msg.title}`);
  else out.push(`**${msg.title}**`);
  out.push('');
  for (const l of lines) out.push(`- ${l}`);
  if (more > 0) out.push(`- …另有 ${more} 条`);
  if (msg.ackUrl) out.push('', `[手机确认](${msg.ackUrl})`);
  out.push('', `> 接收人：${msg.recipient.displayName}`);
  return out.join('\n');
}

function textWith(msg: OutgoingMessage, lines: string[], more: number): string {
  const out = [msg.title, ...lines];
  if (more > 0) out.push(`…另有 ${more} 条`);
  if (msg.ackUrl) out.push(`确认：${msg.ackUrl}`);
  return out.join('\n');
}

/**
 * Renders with as many alert lines as fit in `maxBytes` (dropping lines from the end and saying how many were
 * left out), then cuts on a character boundary if even the header alone is too long. The result never exceeds maxBytes.
 */
export function fitLines(msg: OutgoingMessage, maxBytes: number, render: (lines: string[], more: number) => string): string {
  let keep = msg.lines.length;
  let s = render(msg.lines, 0);
  while (utf8Bytes(s) > maxBytes && keep > 0) {
    keep -= 1;
    s = render(msg.lines.slice(0, keep), msg.lines.length - keep);
  }
  if (utf8Bytes(s) <= maxBytes) return s;
  return truncateUtf8(s, maxBytes);
}

/** Markdown for a robot, at most `maxBytes` UTF-8 bytes. */
export function renderMarkdown(msg: OutgoingMessage, flavor: MarkdownFlavor, maxBytes: number): string {
  return fitLines(msg, maxBytes, (lines, more) => markdownWith(msg, flavor, lines, more));
}

/** Plain text (title, one line per alert, the ack link), at most `maxBytes` UTF-8 bytes. */
export function renderText(msg: OutgoingMessage, maxBytes = Number.MAX_SAFE_INTEGER): string {
  return fitLines(msg, maxBytes, (lines, more) => textWith(msg, lines, more));
}

/** HTML body for e-mail. */
export function renderHtml(msg: OutgoingMessage): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = msg.lines.map((l) => `<li>${esc(l)}</li>`).join('');
  const ack = msg.ackUrl ? `<p><a href="${esc(msg.ackUrl)}">确认告警</a></p>` : '';
  return `<!doctype html><html><body><h3>${esc(msg.title)}</h3><ul>${items}</ul>${ack}</body></html>`;
}

/** The short SMS text, e.g. `【云南电网】红色预警：…，共3条，请登录处理 https://…`. */
export function renderSms(msg: OutgoingMessage, signName: string, titleMaxChars = 35): string {
  const link = msg.ackUrl ? ` ${msg.ackUrl}` : '';
  return `【${signName}】${SEVERITY_ZH[msg.severity]}预警：${truncateChars(msg.title, titleMaxChars)}，共${msg.lines.length}条，请登录处理${link}`;
}

/** Milliseconds to the end of the current window of `windowMs` (a calendar minute for WeCom). */
export const untilWindowEnd = (now: number, windowMs: number): number => windowMs - (now % windowMs);
