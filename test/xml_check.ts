/**
 * A small XML well-formedness check for the SVG the display code writes: balanced tags, one
 * root, quoted and unique attributes, only XML's entities, no raw "<" or "&" in text.
 * Returns the elements (name + attributes) in document order.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
}

const NAME = /^[A-Za-z_:][\w:.-]*$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function parseXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0, i = 0;
  const fail = (msg: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${msg}: ${JSON.stringify(xml.slice(i, i + 60))}`);
  };
  const checkText = (s: string) => {
    if (s.includes("<")) fail("raw < in text");
    if (ENTITY.test(s)) fail("bare & or unknown entity");
    if (stack.length === 0 && s.trim() !== "") fail("text outside the root element");
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    checkText(xml.slice(i, lt === -1 ? xml.length : lt));
    if (lt === -1) break;
    i = lt;
    const skip = (open: string, close: string) => {
      if (!xml.startsWith(open, i)) return false;
      const end = xml.indexOf(close, i);
      if (end === -1) fail(`unclosed ${open}`);
      i = end + close.length;
      return true;
    };
    if (skip("<!--", "-->") || skip("<?", "?>") || skip("<![CDATA[", "]]>")) continue;
    if (stack.length === 0 && skip("<!DOCTYPE", ">")) continue;
    const end = xml.indexOf(">", i);
    if (end === -1) fail("unclosed tag");
    const tag = xml.slice(i + 1, end);
    i = end + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) fail(`unexpected </${name}>`);
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s]+)([\s\S]*)$/.exec(body);
    if (!m || !NAME.test(m[1])) fail(`bad element name in <${tag}>`);
    const [, name, rest] = m!;
    const attrs: Record<string, string> = {};
    const attrRe = /\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
    let pos = 0;
    while (pos < rest.length) {
      if (/^\s*$/.test(rest.slice(pos))) break;
      attrRe.lastIndex = pos;
      const a = attrRe.exec(rest);
      if (!a) fail(`bad attribute in <${name}>`);
      const [, key, dq, sq] = a!;
      if (!NAME.test(key)) fail(`bad attribute name ${key}`);
      if (key in attrs) fail(`duplicate attribute ${key}`);
      const value = dq ?? sq;
      if (value.includes("<") || ENTITY.test(value)) fail(`bad attribute value ${key}`);
      attrs[key] = value;
      pos = attrRe.lastIndex;
    }
    if (stack.length === 0 && ++roots > 1) fail("more than one root element");
    elements.push({ name, attrs });
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) throw new Error(`not well-formed XML: unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error("not well-formed XML: no root element");
  return elements;
}
