import { merchantOfTitle, providerOfTitle, readTitleLinesOf } from '../statements/title-lines.js';

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

/**
 * The parties an export's title lines name (see StatementParties), from a CSV or text export or an XLSX's first
 * worksheet, also packed in a gzip or a ZIP archive; nothing for an old .xls, or a file that opens straight with its
 * header. A provider's name is read from statements only: a journal or cashier export is the merchant's, and its
 * title names the merchant's own company.
 */
export async function statementParties(
  bytes: Uint8Array,
  kind: StatementParties['kind'],
): Promise<StatementParties> {
  const lines = await readTitleLinesOf(bytes);
  const { merchantId, merchant } = merchantOfTitle(lines);
  const provider = kind === 'settlement' ? providerOfTitle(lines) : undefined;
  return {
    kind,
    ...(merchantId === undefined ? {} : { merchantId }),
    ...(merchant === undefined ? {} : { merchant }),
    // A statement whose title is the merchant's own company names no provider.
    ...(provider === undefined || provider === merchant ? {} : { provider }),
  };
}
