/**
 * A small XML well-formedness checker for generated SVG (no external tool): elements nest and
 * close, attributes are quoted and unique, text and attribute values use only the five
 * predefined entities or numeric references, one root element. Returns the problems found.
 */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const name = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
  const badAmp = /&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (badAmp.test(chunk)) problems.push(`unescaped & in text near offset ${i}`);
    if (chunk.includes('>')) problems.push(`stray > in text near offset ${i}`);
    if (chunk.trim() && stack.length === 0) problems.push(`text outside the root element near offset ${i}`);
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt);
      if (end < 0 || lt !== 0) problems.push(`bad processing instruction at ${lt}`);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) {
      problems.push(`unterminated tag at ${lt}`);
      break;
    }
    let tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const closing = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== closing) problems.push(`</${closing}> closes <${open ?? 'nothing'}> at ${lt}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    if (selfClosing) tag = tag.slice(0, -1);
    const m = name.exec(tag);
    if (!m) {
      problems.push(`bad tag name at ${lt}`);
      continue;
    }
    if (stack.length === 0) roots++;
    let rest = tag.slice(m[0].length);
    const seen = new Set<string>();
    const attr = /^\s+([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/;
    for (let a = attr.exec(rest); a; a = attr.exec(rest)) {
      if (seen.has(a[1]!)) problems.push(`duplicate attribute ${a[1]} at ${lt}`);
      seen.add(a[1]!);
      if (badAmp.test(a[3] ?? a[4] ?? '')) problems.push(`unescaped & in attribute ${a[1]} at ${lt}`);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim()) problems.push(`unparsable attributes "${rest.trim().slice(0, 20)}" in <${m[0]}> at ${lt}`);
    if (!selfClosing) stack.push(m[0]);
  }
  if (stack.length) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
