import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const SHOP = { name: '测试小店', merchantId: '898440153991234' };

describe.each(DIALECTS)('re-uploading the same bytes (%s)', (dialect) => {
  it('refuses another explicit kind with 409 import_conflict, naming the first import, in zh and en', async () => {
    t = await testApp(dialect);
    const { id, cookie, upload } = await ownerWithMerchant(t, SHOP);
    const csv = settlementCsv(OVERCHARGED);
    const first = await upload('结算明细_202610.csv', csv, { kind: 'settlement' });
    expect(first.statusCode).toBe(201);
    const importId = first.json<{ importId: number }>().importId;

    const zh = await upload('结算明细_202610.csv', csv, { kind: 'terminal' });
    expect(zh.statusCode).toBe(409);
    const zhError = zh.json().error;
    expect(zhError.code).toBe('import_conflict');
    expect(zhError.message).toContain(
      `该文件已按 结算单(settlement) 导入（导入 #${importId}），与本次选择的 终端流水(terminal) 不同`,
    );
    expect(zhError.message).toContain(`请先删除导入 #${importId}（网页“已导入的文件”列表中的“删除导入”`);
    expect(zhError.message).toContain(`DELETE /api/v1/merchants/${id}/imports/${importId}`);
    expect(zhError.details).toMatchObject({ importId, kind: 'settlement', preset: 'generic' });
    expect(zhError.details.en).toContain(`import #${importId}`);

    const { payload, headers } = multipartBody('结算明细_202610.csv', csv, { kind: 'terminal' });
    const en = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements?lang=en`,
      headers: { ...headers, cookie },
      payload,
    });
    expect(en.statusCode).toBe(409);
    expect(en.json().error.message).toContain(
      `already imported as settlement statement(settlement) (import #${importId}), not as the terminal journal(terminal)`,
    );
    expect(en.json().error.message).toContain(`first delete import #${importId}`);

    // Nothing was stored by the refused uploads.
    const merchant = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}`,
      headers: { cookie },
    });
    expect(merchant.json().imports).toHaveLength(1);
    expect(merchant.json().records).toBe(4);
  });

  it('refuses another explicit preset with 409', async () => {
    t = await testApp(dialect);
    const { upload } = await ownerWithMerchant(t, SHOP);
    const csv = settlementCsv(OVERCHARGED);
    expect((await upload('a.csv', csv)).statusCode).toBe(201);
    const again = await upload('a.csv', csv, { preset: 'leshua' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('import_conflict');
    expect(again.json().error.message).toContain('与本次选择的 预设 leshua 不同');
  });

  it('stays a 200 duplicate with the same or no explicit kind and preset', async () => {
    t = await testApp(dialect);
    const { upload } = await ownerWithMerchant(t, SHOP);
    const csv = settlementCsv(OVERCHARGED);
    const first = await upload('a.csv', csv, { kind: 'settlement' });
    expect(first.statusCode).toBe(201);
    const importId = first.json<{ importId: number }>().importId;
    for (const fields of [
      {},
      { kind: 'settlement' },
      { preset: 'generic' },
      { kind: 'settlement', preset: 'generic' },
    ]) {
      const again = await upload('renamed.csv', csv, fields);
      expect(again.statusCode, JSON.stringify(fields)).toBe(200);
      expect(again.json()).toMatchObject({ importId, duplicate: true });
    }
  });
});
