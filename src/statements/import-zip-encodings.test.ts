import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { PosRecord } from '../records/index.js';
import { ImportFileError, importFileStreaming } from './import.js';
import { extractTableMembers } from './zip-entries.js';

// An archive of statements where one member is in an encoding the reader does not take (a Big5 statement from a
// Hong Kong branch, a Japanese one in Shift-JIS) stopped the whole archive. The other members are read, and the
// refused one is named in a warning with the reason, as a member without a header is.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const GBK_STATEMENT = [
  '交易时间,终端号,参考号,交易金额,手续费,结算金额',
  '2026-10-12 09:00:00,20000001,200000000101,2000.00,12.60,1987.40',
  '2026-10-12 10:00:00,20000001,200000000102,300.00,1.89,298.11',
].join('\r\n');
const BIG5_STATEMENT = [
  '交易時間,終端號,參考號,交易金額,手續費,結算金額',
  '2026-10-12 09:00:00,20000002,200000000201,500.00,3.00,497.00',
].join('\r\n');
const SJIS_STATEMENT = [
  '取引日時,端末番号,参照番号,取引金額,手数料,決済金額',
  '2026-10-12 09:00:00,20000003,200000000301,700.00,4.20,695.80',
].join('\r\n');

async function zipOf(members: { name: string; bytes: Buffer }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const m of members) z.addBuffer(m.bytes, m.name);
  z.end();
  const parts: Buffer[] = [];
  for await (const chunk of z.outputStream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const BIG5_REASON =
  '文件编码无法识别：看起来是 Big5（繁体中文）编码，本程序只支持 UTF-8、UTF-16、GBK/GB18030；请用 Excel 或记事本把文件另存为 UTF-8（或 GBK）编码后再导入';
const SJIS_REASON =
  '文件编码无法识别：看起来是 Shift-JIS（日文）编码，本程序只支持 UTF-8、UTF-16、GBK/GB18030；请用 Excel 或文本编辑器把文件另存为 UTF-8 编码后再导入';

describe('a ZIP with a member in an encoding the reader does not take', () => {
  it('reads the other members and names the refused ones with the reason', async () => {
    const zip = await zipOf([
      { name: '结算明细.csv', bytes: iconv.encode(GBK_STATEMENT, 'gbk') },
      { name: 'hk/結算.csv', bytes: iconv.encode(BIG5_STATEMENT, 'big5') },
      { name: 'jp.csv', bytes: iconv.encode(SJIS_STATEMENT, 'shift_jis') },
    ]);
    const records: PosRecord[] = [];
    const summary = await importFileStreaming({ name: 'all.zip', bytes: zip }, {}, (r) => records.push(r));
    expect((summary.parts ?? [summary]).map((p) => p.file)).toEqual(['all.zip/结算明细.csv']);
    expect(records.map((r) => [r.refNo, r.amountFen, r.feeFen])).toEqual([
      ['200000000101', 200000, 1260],
      ['200000000102', 30000, 189],
    ]);
    expect(
      summary.warnings.filter((w) => w.code === 'zip.member-not-read').map((w) => [w.file, w.message]),
    ).toEqual([
      ['all.zip', `hk/結算.csv 未读取：${BIG5_REASON}`],
      ['all.zip', `jp.csv 未读取：${SJIS_REASON}`],
    ]);
    expect(summary.warnings.find((w) => w.message.startsWith('hk/'))?.messageEn).toContain(
      'hk/結算.csv was not read: the file',
    );
  });

  it('is refused whole, with the member’s reason, when no member can be read', async () => {
    const zip = await zipOf([{ name: 'hk.csv', bytes: iconv.encode(BIG5_STATEMENT, 'big5') }]);
    const error = await importFileStreaming({ name: 'hk.zip', bytes: zip }, {}, () => {}).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).reason.zh).toBe(BIG5_REASON);
  });

  it('leaves the member out of the tables the audit takes from the archive, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-zip-encodings-'));
    dirs.push(dir);
    const archive = join(dir, 'all.zip');
    writeFileSync(
      archive,
      await zipOf([
        { name: '结算明细.csv', bytes: iconv.encode(GBK_STATEMENT, 'gbk') },
        { name: 'hk.csv', bytes: iconv.encode(BIG5_STATEMENT, 'big5') },
        { name: '流水.csv', bytes: iconv.encode(GBK_STATEMENT, 'gbk') },
      ]),
    );
    const extracted = await extractTableMembers(archive, join(dir, 'out'));
    expect(extracted?.members.map((m) => [m.name, basename(m.path)])).toEqual([
      ['结算明细.csv', '结算明细.csv'],
      ['流水.csv', '流水.csv'],
    ]);
    expect(extracted?.leftOut).toEqual([
      {
        name: 'hk.csv',
        code: 'zip.member-not-read',
        message: `hk.csv 未读取：${BIG5_REASON}`,
        messageEn: expect.stringContaining('hk.csv was not read: the file'),
      },
    ]);
  });
});
