import { describe, expect, it } from 'vitest';
import { normaliseHeader } from './header-match.js';

describe('normaliseHeader', () => {
  it.each([
    ['交易金额（元）', '交易金额', 'yuan'],
    ['交易金额(单位：元)', '交易金额', 'yuan'],
    ['交易金额（人民币元）', '交易金额', 'yuan'],
    ['手续费（￥）', '手续费', 'yuan'],
    ['手续费(¥)', '手续费', 'yuan'],
    ['交易金额/元', '交易金额', 'yuan'],
    ['交易金额(单位:分)', '交易金额', 'fen'],
    ['交易金额/分', '交易金额', 'fen'],
    ['交易金额[分]', '交易金额', 'fen'],
    ['费率(%)', '费率', 'percent'],
    ['费率（万分之一）', '费率', 'per-myriad'],
  ])('reads the unit of %s', (header, key, unit) => {
    expect(normaliseHeader(header)).toEqual({ key, unit });
  });

  it('keeps a bracket that names no unit as part of the name', () => {
    expect(normaliseHeader('贷方发生额（收入）')).toEqual({ key: '贷方发生额收入' });
    expect(normaliseHeader('收/付方名称')).toEqual({ key: '收/付方名称' });
  });
});
