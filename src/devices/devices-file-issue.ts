import type { core } from 'zod';
import { closestKey } from '../plans/yaml-tree.js';

/** A devices-file message in both languages, zh-CN first. */
export interface DevicesText {
  zh: string;
  en: string;
}

const ROOT_KEYS = ['merchantId', 'terminals'] as const;
const TERMINAL_KEYS = [
  'terminalId',
  'sn',
  'model',
  'vendor',
  'provider',
  'versions',
  'sim',
  'lastInspection',
  'inspectionIntervalDays',
] as const;
const VERSION_KEYS = ['from', 'firmware', 'app'] as const;
const SIM_KEYS = ['iccid', 'plan', 'fee', 'every'] as const;

/** The keys allowed where a path ends: the file, one terminal, one of its versions, or its SIM. */
function keysAt(path: readonly PropertyKey[]): readonly string[] {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (last === undefined) return ROOT_KEYS;
  if (last === 'sim') return SIM_KEYS;
  if (last === 'versions') return VERSION_KEYS;
  return TERMINAL_KEYS;
}

const EVERY = {
  zh: 'month（每月）、quarter（每季）或 year（每年）',
  en: 'month, quarter or year',
};

/**
 * One schema issue of a devices file worded for its reader, without the key path (the caller puts the path and
 * line before it). `present` tells a missing key from a value of the wrong shape. A custom issue carries its
 * Chinese in `params.zh`.
 */
export function devicesIssueText(issue: core.$ZodIssue, present: boolean): DevicesText {
  const key = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'invalid_type':
      if (!present) {
        return issue.path.length === 0
          ? {
              zh: '文件为空，应至少包含 terminals（终端列表）',
              en: 'the file is empty; it needs at least `terminals` (the list of terminals)',
            }
          : { zh: '缺少此项', en: 'this key is required' };
      }
      if (issue.expected === 'array') return { zh: '应为列表（- 开头的多项）', en: 'expected a list' };
      if (issue.expected === 'object')
        return { zh: '应为“键: 值”的映射', en: 'expected a mapping (key: value)' };
      return {
        zh: '应为单个值，不能是列表或映射',
        en: 'expected a single value, not a list or a mapping',
      };
    case 'unrecognized_keys': {
      const allowed = keysAt(issue.path);
      const each = issue.keys.map((k) => ({ key: k, hint: closestKey(k, allowed) }));
      return {
        zh: `未知的键${each.map((e) => `“${e.key}”${e.hint === undefined ? '' : `（是否想写 ${e.hint}？）`}`).join('、')}；可用：${allowed.join(', ')}`,
        en: `unknown key(s) ${each.map((e) => `"${e.key}"${e.hint === undefined ? '' : ` (did you mean ${e.hint}?)`}`).join(', ')}; allowed: ${allowed.join(', ')}`,
      };
    }
    case 'too_small':
      return { zh: '不能为空', en: 'must not be empty' };
    case 'too_big':
      return issue.origin === 'array'
        ? {
            zh: `一个文件最多 ${issue.maximum} 台终端，请拆分后分别导入`,
            en: `a file holds at most ${issue.maximum} terminals; split it and import each part`,
          }
        : {
            zh: `不能超过 ${issue.maximum} 个字符`,
            en: `must be at most ${issue.maximum} characters`,
          };
    case 'invalid_value':
      return key === 'every'
        ? { zh: `应为 ${EVERY.zh}`, en: `expected ${EVERY.en}` }
        : {
            zh: `应为 ${issue.values.map(String).join('、')} 之一`,
            en: `expected one of ${issue.values.map(String).join(', ')}`,
          };
    case 'invalid_format':
      return key === 'inspectionIntervalDays'
        ? {
            zh: '应为巡检间隔天数，1 到 9999 的整数，如 90',
            en: 'expected a whole number of days (1–9999), e.g. 90',
          }
        : { zh: '格式不对', en: issue.message };
    case 'custom': {
      const zh = (issue.params as { zh?: unknown } | undefined)?.zh;
      return { zh: typeof zh === 'string' ? zh : issue.message, en: issue.message };
    }
    default:
      return { zh: issue.message, en: issue.message };
  }
}
