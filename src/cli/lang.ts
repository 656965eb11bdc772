export type Lang = 'zh' | 'en';

/** zh-CN unless `--lang en` was given or the locale environment says English. */
export function detectLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  const flagIndex = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (flagIndex >= 0) {
    const arg = argv[flagIndex] ?? '';
    const value = arg.includes('=') ? arg.split('=')[1] : argv[flagIndex + 1];
    return value?.toLowerCase().startsWith('en') ? 'en' : 'zh';
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en/i.test(locale) ? 'en' : 'zh';
}

/** Picks the text for the language in force. */
export function pick(lang: Lang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}
