import iconv from 'iconv-lite';
import { detectEncoding } from '../statements/decode.js';

/**
 * Who an export names in the title lines above its table: the merchant (number and name) and, on a provider's
 * statement, the provider. The complaint letter is addressed and signed with them when no plan names them.
 */
export interface StatementParties {
  kind: 'settlement' | 'terminal';
  merchantId?: string;
  merchant?: string;
  provider?: string;
}

/** The title lines are at the top: a few KiB hold them, however long the table below. */
const HEAD_BYTES = 16_384;
const MAX_TITLE_LINES = 40;

/** `商户号：822841054119608` (as the importer reads a title line's merchant). */
const MERCHANT_ID = /(?:商户号|商户编号|商户代码|商户ID)\s*[：:]\s*([0-9A-Za-z][0-9A-Za-z_-]{3,31})/i;
/** `商户名称：鸿运便利店` or `商户名：…`; the name ends at white space or the next separator. */
const MERCHANT_NAME = /商户名称?\s*[：:]\s*([^\s,，;；|:：]{1,40})/;
/** `收单机构：汇通支付有限公司` and the like. */
const PROVIDER_LABEL =
  /(?:收单机构|收单行|收单方|支付机构|服务商|机构名称)(?:名称)?\s*[：:]\s*([^\s,，;；|:：]{2,40})/;
/** A title such as `汇通支付有限公司商户结算明细` or `招商银行POS商户对账单`: the company that issued it. */
const ISSUER = /^(.{2,40}?(?:股份有限公司|有限责任公司|有限公司|银行(?!卡)))/;
/** A cell that is a label and its value (`结算日期：2026-10-08 至 2026-10-30`), not a column header. */
const LABELLED = /^[^:：]{1,12}[:：]/;

/**
 * The parties an export's title lines name (see StatementParties); nothing for a file that is not text (XLSX,
 * ZIP, gzip) or that opens straight with its header. A provider's name is read from statements only: a journal
 * or cashier export is the merchant's, and its title names the merchant's own company.
 */
export function statementParties(bytes: Uint8Array, kind: StatementParties['kind']): StatementParties {
  // ZIP/XLSX, gzip and old Excel files keep their titles where only the importer reads them.
  if (bytes.length < 2 || bytes[0] === 0x50 || bytes[0] === 0x1f || bytes[0] === 0xd0) return { kind };
  const head = bytes.subarray(0, HEAD_BYTES);
  const encoding = detectEncoding(head);
  // A UTF-8 BOM in front of GBK text (detectEncoding) is no character of it.
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const text = iconv.decode(
    Buffer.from(head.subarray(encoding === 'gbk' ? bom : 0)),
    encoding === 'gbk' ? 'gb18030' : encoding,
  );
  let merchantId: string | undefined;
  let merchant: string | undefined;
  let provider: string | undefined;
  for (const line of text.split(/\r\n|\n|\r/).slice(0, MAX_TITLE_LINES)) {
    const cells = line
      .split(/[,\t|;]/)
      .map((c) =>
        c
          .trim()
          .replace(/^"(.*)"$/, '$1')
          .trim(),
      )
      .filter((c) => c !== '');
    if (cells.length === 0) continue;
    // The first line that is neither one cell nor all labels is the table's header: the title lines end there.
    if (cells.length > 1 && !cells.every((c) => LABELLED.test(c))) break;
    const joined = cells.join('  ');
    merchantId ??= MERCHANT_ID.exec(joined)?.[1];
    merchant ??= MERCHANT_NAME.exec(joined)?.[1];
    if (kind !== 'settlement') continue;
    provider ??= PROVIDER_LABEL.exec(joined)?.[1];
    const only = cells.length === 1 ? cells[0] : undefined;
    if (only !== undefined && !LABELLED.test(only)) provider ??= ISSUER.exec(only)?.[1];
  }
  return {
    kind,
    ...(merchantId === undefined ? {} : { merchantId }),
    ...(merchant === undefined ? {} : { merchant }),
    // A statement whose title is the merchant's own company names no provider.
    ...(provider === undefined || provider === merchant ? {} : { provider }),
  };
}
