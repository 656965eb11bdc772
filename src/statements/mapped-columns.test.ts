import { describe, expect, it } from 'vitest';
import { closestHeader } from './mapped-columns.js';

describe('closestHeader', () => {
  it('finds a one-character typo of a Chinese header name', () => {
    expect(closestHeader(['记帐日期'], ['记账日期', '发生额', '附言'])).toBe('记账日期');
  });

  it('compares names with full/half width, spaces and case aside', () => {
    expect(closestHeader(['Amout'], ['ＡＭＯＵＮＴ ', '交易 日期'])).toBe('ＡＭＯＵＮＴ');
    expect(closestHeader(['交易时间'], ['交 易 日 期'])).toBe('交 易 日 期');
  });

  it('offers no column another field already reads, nor one too unlike the name', () => {
    expect(closestHeader(['附注'], ['附言', '摘要'], new Set([0]))).toBeUndefined();
    expect(closestHeader(['附注'], ['摘要', '对方户名'])).toBeUndefined();
  });

  it('takes the nearest of several aliases and columns', () => {
    expect(closestHeader(['交易金额', '发生额'], ['收入金额合', '发生额1'])).toBe('发生额1');
  });
});
