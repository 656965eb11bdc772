import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptCopyOf } from '../../src/server/kept-upload.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { inviteUser, ownerWithMerchant, uploadStatement } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
// A Luhn-valid test card number: doubled digits 8+2+2+2+2+2+2+2 = 22, the rest 1×8 = 8; 30 ends in 0.
const PAN = '4111111111111111';

function luhnOk(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    total += d;
  }
  return total % 10 === 0;
}

let t: TestApp;
let alice: string;
let merchant: number;

async function setKeep(cookie: string, m: number, keepUploads: boolean) {
  return t.app.inject({
    method: 'PATCH',
    url: `/api/v1/merchants/${m}`,
    headers: { cookie },
    payload: { keepUploads },
  });
}

async function download(cookie: string, m: number, importId: number) {
  return t.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${m}/imports/${importId}/file`,
    headers: { cookie },
  });
}

describe.each(DIALECTS)('keeping uploaded statement files (issue 6) on %s', (name: DialectName) => {
  beforeEach(async () => {
    t = await testApp(name);
    ({ cookie: alice, id: merchant } = await ownerWithMerchant(
      t,
      { name: 'Alice 的店', merchantId: '898440153991234' },
      'alice@example.com',
    ));
  });
  afterEach(async () => t.close());

  it('keeps nothing by default: the setting reads false and the download is 404', async () => {
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${merchant}`,
      headers: { cookie: alice },
    });
    expect(shown.json().keepUploads).toBe(false);
    const res = await uploadStatement(t, alice, merchant, 'plain.csv', settlementCsv(OVERCHARGED));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().kept).toBeUndefined();
    const file = await download(alice, merchant, res.json().importId);
    expect(file.statusCode).toBe(404);
    const rows = await t.storage.db.selectFrom('kept_uploads').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('keeps the file byte for byte once the owner opts in, with the same sha256, and logs the change', async () => {
    const on = await setKeep(alice, merchant, true);
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().keepUploads).toBe(true);
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${merchant}`,
      headers: { cookie: alice },
    });
    expect(shown.json().keepUploads).toBe(true);
    const csv = settlementCsv(OVERCHARGED);
    const res = await uploadStatement(t, alice, merchant, '结算单.csv', csv);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().kept).toEqual({
      kept: true,
      masked: false,
      size: Buffer.byteLength(csv),
      sha256: sha256(csv),
    });
    const file = await download(alice, merchant, res.json().importId);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(Buffer.from(csv))).toBe(true);
    expect(sha256(file.rawPayload)).toBe(sha256(csv));
    expect(file.headers['x-content-sha256']).toBe(sha256(csv));
    expect(file.headers['content-disposition']).toContain(encodeURIComponent('结算单.csv'));
    const log = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { cookie: alice } });
    expect(log.body).toContain('merchant.update');
    expect(log.body).toContain('"keepUploads":true');
    // Turned off again: the next upload is not kept.
    expect((await setKeep(alice, merchant, false)).statusCode).toBe(200);
    const later = await uploadStatement(
      t,
      alice,
      merchant,
      'later.csv',
      settlementCsv(OVERCHARGED.map((l) => ({ ...l, ref: `7${l.ref.slice(1)}` }))),
    );
    expect(later.statusCode, later.body).toBe(201);
    expect((await download(alice, merchant, later.json().importId)).statusCode).toBe(404);
  });

  it('keeps a CSV holding a full card number only masked, recording both hashes', async () => {
    expect(luhnOk(PAN)).toBe(true);
    expect((await setKeep(alice, merchant, true)).statusCode).toBe(200);
    const csv = settlementCsv(OVERCHARGED).replaceAll('622202******0123', PAN);
    // The merchant number (15 digits) and reference numbers (12) stay; only the card is masked.
    const expected = settlementCsv(OVERCHARGED).replaceAll('622202******0123', '411111******1111');
    const res = await uploadStatement(t, alice, merchant, 'with-pan.csv', csv);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().kept).toEqual({
      kept: true,
      masked: true,
      size: Buffer.byteLength(csv),
      sha256: sha256(csv),
      maskedSize: Buffer.byteLength(expected),
      maskedSha256: sha256(expected),
    });
    const file = await download(alice, merchant, res.json().importId);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe(expected);
    expect(file.body).not.toContain(PAN);
    // No card-like run of 13–19 digits except the merchant number, which is a known key.
    const runs = file.body.match(/(?<!\d)\d{13,19}(?!\d)/g) ?? [];
    expect(new Set(runs)).toEqual(new Set(['898440153991234']));
    expect(file.headers['x-masked']).toBe('1');
    expect(file.headers['x-original-sha256']).toBe(sha256(csv));
    const stored = await t.storage.db.selectFrom('kept_uploads').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]?.content_base64 ?? '', 'base64').toString()).not.toContain(PAN);
  });

  it('does not keep a spreadsheet that cannot be checked, and says so', async () => {
    expect((await setKeep(alice, merchant, true)).statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('结算');
    for (const line of settlementCsv(OVERCHARGED).trim().split('\r\n')) sheet.addRow(line.split(','));
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    const res = await uploadStatement(t, alice, merchant, 'settlement.xlsx', xlsx);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().kept).toMatchObject({
      kept: false,
      masked: false,
      size: xlsx.length,
      sha256: sha256(xlsx),
    });
    expect(res.json().kept.warning.code).toBe('upload_not_checkable');
    expect((await download(alice, merchant, res.json().importId)).statusCode).toBe(404);
  });

  it('lets staff read the setting but not change it (403), and another owner gets 404', async () => {
    await t.addUser('bob@example.com');
    const bob = await t.login('bob@example.com');
    const invite = await inviteUser(t, alice, 'sam@example.com', 'staff', [merchant], 'Sam-Password-2026');
    expect(invite.statusCode, invite.body).toBe(201);
    const sam = await t.login('sam@example.com', 'Sam-Password-2026');
    expect((await setKeep(sam, merchant, true)).statusCode).toBe(403);
    expect((await setKeep(bob, merchant, true)).statusCode).toBe(404);
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${merchant}`,
      headers: { cookie: sam },
    });
    expect(shown.json().keepUploads).toBe(false);
    expect((await setKeep(alice, merchant, true)).statusCode).toBe(200);
    const res = await uploadStatement(t, alice, merchant, 'kept.csv', settlementCsv(OVERCHARGED));
    expect((await download(sam, merchant, res.json().importId)).statusCode).toBe(200);
    expect((await download(bob, merchant, res.json().importId)).statusCode).toBe(404);
  });
});

describe('keptCopyOf', () => {
  it('clean text byte for byte, zip bytes refused, known keys not masked', () => {
    const clean = Buffer.from('卡号,金额\r\n622202******0123,1.00\r\n');
    expect(keptCopyOf(clean, new Set()).bytes).toBe(clean);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
    expect(keptCopyOf(zip, new Set())).toMatchObject({ outcome: { kept: false } });
    const withKey = Buffer.from(`order,card\r\n${PAN},${PAN}\r\n`);
    expect(keptCopyOf(withKey, new Set([PAN])).bytes).toBe(withKey);
  });
});
