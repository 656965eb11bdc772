/**
 * Folds full-width ASCII forms (０-９, ．, ，, －, ％, （） …) and the ideographic space to their half-width twins,
 * because Chinese exports mix both freely.
 */
export function toHalfWidth(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += text[i];
  }
  return out;
}

/** Removes the decorations exports put around a value: spaces, tabs, NBSP, Excel's leading backtick or apostrophe. */
export function stripCellDecoration(text: string): string {
  return text.replace(/^[\s\u00a0`'"=]+|[\s\u00a0"]+$/g, '');
}
