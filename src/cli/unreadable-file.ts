/**
 * How every command says it cannot read a file it was given (a statement, a plan, a devices file…): one wording,
 * whatever the reason (missing, a directory, no permission). The errno (ENOENT) means nothing to a merchant, and
 * two wordings for one problem read as two problems.
 */
export const UNREADABLE_FILE = {
  zh: '文件不存在或无法读取',
  en: 'the file does not exist or cannot be read',
} as const;

/**
 * The unreadable-file message naming the file as the user typed it.
 * @example unreadableFile('plan.yaml').zh === 'plan.yaml：文件不存在或无法读取'
 */
export function unreadableFile(shown: string): { zh: string; en: string } {
  return { zh: `${shown}：${UNREADABLE_FILE.zh}`, en: `${shown}: ${UNREADABLE_FILE.en}` };
}
