// A report's warnings are written once for both languages, “中文 / English”, so that the JSON (the API's and the
// CLI's) carries both. A reader wants one: this takes the half in the reader's language. The Chinese half may
// itself hold “ / ” (--terminal-preset / --settlement-preset) and the English half Chinese file names, so the cut
// is where Chinese gives way to English, not the first or last “ / ”.

// “ / ”, or “/ ” right after a closing full-width bracket (“…未列为问题）/ ¥0.38 charged…”).
const SEPARATOR = /(?: |(?<=[）」』】]))\/ /g;
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/g;

function cjkCount(text: string): number {
  return text.match(CJK)?.length ?? 0;
}

/**
 * The part of a bilingual warning in `lang`: the Chinese before “ / ” or the English after it. The cut is the
 * “ / ” with the most Chinese before it and the least after it (a file name may be Chinese in both halves); a
 * warning in one language only has no such cut and is returned whole.
 * @example warningIn('跳过 2 笔支出 / skipped 2 debits', 'en') → 'skipped 2 debits'
 */
export function warningIn(text: string, lang: 'zh' | 'en'): string {
  const total = cjkCount(text);
  let best: { at: number; rest: number; score: number } | undefined;
  for (const cut of text.matchAll(SEPARATOR)) {
    const at = cut.index;
    const rest = at + cut[0].length;
    const before = cjkCount(text.slice(0, at));
    const after = total - before;
    // The English half starts as a sentence does, not with an option's dash or a closing bracket.
    const starts = !/^[-–—)）\]】,，、。;；:：]/.test(text.slice(rest));
    if (!starts || before < 2 || after > total * 0.4) continue;
    const score = before - 4 * after;
    if (best === undefined || score > best.score) best = { at, rest, score };
  }
  if (best === undefined) return text;
  return lang === 'en' ? text.slice(best.rest) : text.slice(0, best.at);
}

/**
 * A warning as the report keeps it, “中文 / English” (see warningIn), from its two halves; one half alone when both
 * are the same text. The report's warnings carry both languages whatever the run's --lang, so the JSON never
 * mixes one-language warnings with two-language ones.
 * @example bothLanguages('跳过 2 笔支出', 'skipped 2 debits') → '跳过 2 笔支出 / skipped 2 debits'
 */
export function bothLanguages(zh: string, en: string): string {
  return zh === en ? zh : `${zh} / ${en}`;
}

/** An importer's warning in both languages, each half naming its file when its own text does not. */
export function fileWarning(w: { file: string; message: string; messageEn: string }): string {
  const named = (text: string) => (text.includes(w.file) ? text : `${w.file}: ${text}`);
  return bothLanguages(named(w.message), named(w.messageEn));
}
