// A small well-formedness check for the JUnit file (no XML parser among the dependencies): one root,
// balanced tags, quoted attributes, no raw `<` or stray `&` in text, no characters XML 1.0 forbids.
// Returns the elements as a flat list so tests can count testcases and failures.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly depth: number;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

export function parseXml(text: string): XmlElement[] {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!text.startsWith(prolog)) throw new Error('missing XML declaration');
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.exec(text);
  if (bad !== null) throw new Error(`character U+${bad[0].charCodeAt(0).toString(16)} is not allowed in XML 1.0`);
  const body = text.slice(prolog.length);
  const out: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const chunk = lt === -1 ? body.slice(i) : body.slice(i, lt);
    if (chunk.replace(ENTITY, '').includes('&') || chunk.includes('>')) throw new Error(`unescaped text near ${JSON.stringify(chunk.slice(0, 60))}`);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(chunk.slice(0, 60))}`);
    if (lt === -1) break;
    const gt = body.indexOf('>', lt);
    if (gt === -1) throw new Error('unterminated tag');
    const tag = body.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open element`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
    if (m === null) throw new Error(`malformed tag <${tag.slice(0, 80)}>`);
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      const value = a[2] ?? '';
      if (value.replace(ENTITY, '').includes('&')) throw new Error(`unescaped & in attribute ${a[1]}`);
      if (a[1] !== undefined && a[1] in attrs) throw new Error(`attribute ${a[1]} given twice`);
      attrs[a[1] ?? ''] = value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
    }
    if (stack.length === 0) roots++;
    out.push({ name: m[1] ?? '', attrs, depth: stack.length });
    if (!selfClosing) stack.push(m[1] ?? '');
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return out;
}
