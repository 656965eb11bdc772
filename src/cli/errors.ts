import type { Lang } from './lang.js';

/** Exit codes every command shares: 0 nothing to report, 1 something found or rejected, 2 cannot proceed. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A failure the user must act on (bad flag, unreadable file, invalid plan): printed as one line in the user's
 * language, never with a stack trace.
 */
export class CliError extends Error {
  readonly zh: string;
  readonly exitCode: number;
  constructor(zh: string, en: string, exitCode = EXIT_USAGE) {
    super(en);
    this.name = 'CliError';
    this.zh = zh;
    this.exitCode = exitCode;
  }
}

/**
 * Commander's own error (an English "error: unknown option '--x'") as one line in the user's language, with the
 * help command to run: the full help after every typo buried the one line that mattered.
 * @example usageErrorLine("error: unknown option '--bogus'", 'posguard audit', 'zh')
 *   === 'posguard: 未知选项 --bogus（运行 posguard audit --help 查看用法）'
 */
export function usageErrorLine(message: string, commandPath: string, lang: Lang): string {
  const text = message.trim().replace(/^error:\s*/i, '');
  const { zh, en } = translateUsage(text);
  return lang === 'en'
    ? `posguard: ${en} (run ${commandPath} --help for usage)`
    : `posguard: ${zh}（运行 ${commandPath} --help 查看用法）`;
}

/** `--format <format>` → `--format`: the flag as the user typed it, without the value placeholder. */
function flagName(flags: string): string {
  return flags.split(/[ ,|]+/).find((part) => part.startsWith('--')) ?? flags.split(/[ ,|]+/)[0] ?? flags;
}

/** `Allowed choices are table, json.` → the choices; undefined for any other reason. */
function choicesIn(reason: string): string[] | undefined {
  const m = /^Allowed choices are (.*?)\.?$/.exec(reason.trim());
  return m?.[1]?.split(/,\s*/);
}

// The patterns follow commander 14's messages (lib/command.js); an unknown one still prints as one line.
function translateUsage(text: string): { zh: string; en: string } {
  let m = /^unknown option '([^']+)'(?:\s*\(Did you mean (.+?)\?\))?$/s.exec(text);
  if (m !== null) {
    const [, flag, guess] = m;
    return guess === undefined
      ? { zh: `未知选项 ${flag}`, en: `unknown option ${flag}` }
      : { zh: `未知选项 ${flag}，是否想用 ${guess}？`, en: `unknown option ${flag}; did you mean ${guess}?` };
  }
  m = /^unknown command '([^']+)'(?:\s*\(Did you mean (.+?)\?\))?$/s.exec(text);
  if (m !== null) {
    const [, name, guess] = m;
    return guess === undefined
      ? { zh: `未知命令 ${name}`, en: `unknown command ${name}` }
      : {
          zh: `未知命令 ${name}，是否想用 ${guess}？`,
          en: `unknown command ${name}; did you mean ${guess}?`,
        };
  }
  m =
    /^option '([^']+)' argument '(.*)' is invalid\.\s*(.*)$/s.exec(text) ??
    /^option '([^']+)' value '(.*)' from env '[^']*' is invalid\.\s*(.*)$/s.exec(text);
  if (m !== null) return invalidValue(flagName(m[1] ?? ''), m[2] ?? '', m[3] ?? '');
  m = /^command-argument value '(.*)' is invalid for argument '([^']+)'\.\s*(.*)$/s.exec(text);
  if (m !== null) return invalidValue(m[2] ?? '', m[1] ?? '', m[3] ?? '');
  m = /^option '([^']+)' argument missing$/.exec(text);
  if (m !== null) {
    const flag = flagName(m[1] ?? '');
    return { zh: `${flag} 缺少取值`, en: `${flag} needs a value` };
  }
  m = /^required option '([^']+)' not specified$/.exec(text);
  if (m !== null) {
    const flag = flagName(m[1] ?? '');
    return { zh: `缺少必需的选项 ${flag}`, en: `missing the required option ${flag}` };
  }
  m = /^missing required argument '([^']+)'$/.exec(text);
  if (m !== null) return { zh: `缺少参数 ${m[1]}`, en: `missing the argument ${m[1]}` };
  m = /^too many arguments.*Expected (\d+) arguments? but got (\d+)\.?$/s.exec(text);
  if (m !== null)
    return {
      zh: `参数过多：应为 ${m[1]} 个，实际 ${m[2]} 个`,
      en: `too many arguments: expected ${m[1]}, got ${m[2]}`,
    };
  m = /^option '([^']+)' cannot be used with option '([^']+)'$/.exec(text);
  if (m !== null) {
    const [a, b] = [flagName(m[1] ?? ''), flagName(m[2] ?? '')];
    return { zh: `${a} 与 ${b} 不能同时使用`, en: `${a} cannot be used with ${b}` };
  }
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return { zh: `参数错误：${oneLine}`, en: oneLine };
}

function invalidValue(name: string, value: string, reason: string): { zh: string; en: string } {
  const choices = choicesIn(reason);
  if (choices !== undefined)
    return {
      zh: `${name} 不能是“${value}”，可选：${choices.join('、')}`,
      en: `${name} cannot be "${value}"; choose one of ${choices.join(', ')}`,
    };
  const why = reason.replace(/\s*\n\s*/g, ' ').trim();
  return {
    zh: `${name} 的取值“${value}”无效${why === '' ? '' : `：${why}`}`,
    en: `${name} cannot be "${value}"${why === '' ? '' : `: ${why}`}`,
  };
}
