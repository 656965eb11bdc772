import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { AuditReport } from '../audit/report-types.js';
import { owedOf } from '../audit/rebates.js';
import { renderCsv } from '../audit/render-csv.js';
import { renderHtml } from '../audit/render-html.js';
import type { FeePlan } from '../plans/plan-types.js';
import { findCardNumbers, maskCardNumbersAt } from '../records/card-number.js';
import { detectEncoding } from '../statements/decode.js';
import { complaintLetters } from './complaint-letter.js';
import { packedPlanText, packedReport, packNames } from './pack-paths.js';
import { type CjkFont, renderPdf } from './render-pdf.js';
import { type StatementParties, statementParties } from './statement-parties.js';

/** One input of the audit as it goes into the pack. */
export interface PackInput {
  /** The name shown to the user (as typed, or the stored import's name). */
  name: string;
  kind: 'settlement' | 'terminal' | 'bank' | 'plan' | 'devices';
  /** The file's bytes; absent when only its record is kept (the server stores records, not files). */
  bytes?: Uint8Array;
  /** Size and hash as recorded at import, used when bytes are absent. */
  size?: number;
  sha256?: string;
}

export interface EvidencePackOptions {
  report: AuditReport;
  inputs: readonly PackInput[];
  plans?: readonly FeePlan[];
  planText?: string;
  font: CjkFont;
  /** The letter's date (YYYY-MM-DD, Asia/Shanghai). */
  date: string;
  /**
   * The language of report.html, report.pdf and findings.csv (`--lang`); zh-CN by default. The letters come in
   * both languages whatever it is: complaint-letter.txt (zh-CN) is the one to send.
   */
  lang?: 'zh' | 'en';
  /**
   * The audited folder, as the inputs' names spell it: a file in it is named in the pack by its path inside it
   * (packNames); every other by its name. No local path of the merchant's goes into the pack.
   */
  root?: string;
  /**
   * Names known besides the files' title lines (the server keeps records, not files: the merchant as registered),
   * read after the files' own.
   */
  parties?: readonly StatementParties[];
}

/** manifest.json: what the pack holds and how to check it. */
export interface PackManifest {
  schemaVersion: 1;
  generator: 'posguard';
  date: string;
  merchants: string[];
  /**
   * The report's totals. returnedFen: what the rebate lines gave back; offsetFen: the part of it that makes good
   * the loss (a deposit come home does not); owedFen = lossFen − offsetFen, what the letter asks for.
   */
  summary: {
    overchargeFen: number;
    lossFen: number;
    findings: number;
    returnedFen: number;
    offsetFen: number;
    owedFen: number;
  };
  inputs: {
    /** The input as the pack names it: its path inside the audited folder, or its name (packNames). */
    file: string;
    kind: PackInput['kind'];
    size: number;
    sha256: string;
    /** The entry in the pack: the file itself, or its masked copy. */
    entry: string | null;
    masked: boolean;
    maskedSize?: number;
    maskedSha256?: string;
    note?: string;
  }[];
  entries: { name: string; size: number; sha256: string }[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The full card numbers in a text, as they are written there (`6222021234567890123`, `6225 8812 3456 7898`,
 * `6225-8812-…`, full-width digits): every number findCardNumbers takes (Luhn-valid, a card's length and prefix,
 * unbroken or in the groups cards are printed in) that is not a known key such as a merchant or order number.
 */
export function fullCardNumbers(text: string, notCards: ReadonlySet<string> = new Set()): string[] {
  return [...new Set(cardSpans(text, notCards).map((s) => text.slice(s.start, s.end)))];
}

function cardSpans(text: string, notCards: ReadonlySet<string>) {
  return findCardNumbers(text).filter(
    (s) => !notCards.has(s.digits) && !notCards.has(text.slice(s.start, s.end)),
  );
}

/**
 * The text with every full card number in it (fullCardNumbers) masked where it stands, first six and last four
 * digits kept, spaces and dashes kept; `count` is how many were masked. For any text that is kept or shipped.
 */
export function maskFullCardNumbers(
  text: string,
  notCards: ReadonlySet<string> = new Set(),
): { text: string; count: number } {
  const spans = cardSpans(text, notCards);
  return { text: maskCardNumbersAt(text, spans), count: spans.length };
}

/** The file's text, when it is text (or gzip of text); undefined for binary files such as .xlsx and .zip. */
export function decodedText(bytes: Uint8Array): { text: string; encoding: string; bom: boolean } | undefined {
  let raw = bytes;
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  if (raw[0] === 0x50 && raw[1] === 0x4b) return undefined; // zip / xlsx
  const encoding = detectEncoding(raw.subarray(0, 65_536));
  const bom =
    (raw[0] === 0xef && raw[1] === 0xbb) ||
    (raw[0] === 0xff && raw[1] === 0xfe) ||
    (raw[0] === 0xfe && raw[1] === 0xff);
  return { text: iconv.decode(Buffer.from(raw), encoding === 'gbk' ? 'gb18030' : encoding), encoding, bom };
}

/** The text of every entry of a zip or xlsx (XML, CSV, TXT), joined; undefined when it cannot be read. */
function zipTexts(bytes: Buffer): Promise<string | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || zip === undefined) return resolve(undefined);
      const parts: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return resolve(undefined);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', () => resolve(undefined));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            const encoding = detectEncoding(raw.subarray(0, 65_536));
            parts.push(iconv.decode(raw, encoding === 'gbk' ? 'gb18030' : encoding));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(parts.join('\n')));
      zip.on('error', () => resolve(undefined));
      zip.readEntry();
    });
  });
}

/** Every entry of a zip (or xlsx) in order, with its bytes; undefined when it cannot be read. */
function zipEntries(bytes: Buffer): Promise<{ name: string; bytes: Buffer }[] | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || zip === undefined) return resolve(undefined);
      const out: { name: string; bytes: Buffer }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return resolve(undefined);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', () => resolve(undefined));
          stream.on('end', () => {
            out.push({ name: entry.fileName, bytes: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', () => resolve(undefined));
      zip.readEntry();
    });
  });
}

const TEXT_ENTRY = /\.(xml|rels|csv|tsv|txt|dat)$/i;

/**
 * A copy of a zip or xlsx with each full card number in its text entries (the workbook's XML, CSVs) masked,
 * every other entry as it was; undefined when it cannot be read or a card number is left in an entry that is
 * not text (then the file is withheld).
 */
async function maskedArchive(bytes: Buffer, notCards: ReadonlySet<string>): Promise<Buffer | undefined> {
  const entries = await zipEntries(bytes);
  if (entries === undefined) return undefined;
  const zip = new yazl.ZipFile();
  const mtime = new Date(Date.UTC(2000, 0, 1));
  for (const entry of entries) {
    let out = entry.bytes;
    const encoding = detectEncoding(entry.bytes.subarray(0, 65_536));
    const codec = encoding === 'gbk' ? 'gb18030' : encoding;
    const text = iconv.decode(entry.bytes, codec);
    const { text: masked, count } = maskFullCardNumbers(text, notCards);
    if (count > 0) {
      if (!TEXT_ENTRY.test(entry.name)) return undefined;
      const bom = entry.bytes[0] === 0xef && entry.bytes[1] === 0xbb && entry.bytes[2] === 0xbf;
      out = iconv.encode(masked, codec, { addBOM: bom });
    }
    zip.addBuffer(out, entry.name, { mtime });
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** A name safe inside a zip: no directories, no leading dots. */
function entryName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  return base.replace(/^\.+/, '_') || 'file';
}

/**
 * The evidence pack as a zip: report.html, report.pdf, findings.csv (in `lang`), complaint-letter.txt (zh-CN, to send) and
 * complaint-letter.en.txt (one pair per merchant that lost money, `complaint-letter-<merchantId>…`, when the
 * report covers several), the plan, the inputs
 * (byte for byte, or a masked copy when a file holds a full card number) and manifest.json with every hash.
 */
export async function buildEvidencePack(
  options: EvidencePackOptions,
): Promise<{ zip: Buffer; manifest: PackManifest; letter: string }> {
  // Every file as the pack names it (relative to the audited folder, or its name), in every entry.
  const shown = packNames(
    [
      ...options.inputs.map((i) => i.name),
      ...options.report.files.map((f) => f.file),
      ...options.report.rejected.map((r) => r.file),
      ...options.report.findings.flatMap((f) => f.source.map((x) => x.file)),
      ...options.report.ambiguous.flatMap((a) => a.source.map((x) => x.file)),
    ],
    options.root,
  );
  const report = packedReport(options.report, shown, options.root);
  const planText =
    options.planText === undefined ? undefined : packedPlanText(options.planText, shown, options.root);
  const lang = options.lang ?? 'zh';
  // One letter per merchant that lost money: a letter in one merchant's name asks for that merchant's money only.
  // The letter is addressed and signed with the names the statements' and journals' title lines give.
  const parties = [
    ...(await Promise.all(
      options.inputs.flatMap((i) =>
        i.bytes !== undefined && (i.kind === 'settlement' || i.kind === 'terminal')
          ? [statementParties(i.bytes, i.kind)]
          : [],
      ),
    )),
    ...(options.parties ?? []),
  ];
  const letters = complaintLetters(report, {
    ...(options.plans === undefined ? {} : { plans: options.plans }),
    date: options.date,
    parties,
  });
  const letter = letters.map((l) => l.letter).join('\n\n');
  const entries: { name: string; bytes: Buffer }[] = [];
  const add = (name: string, bytes: Buffer) => entries.push({ name, bytes });
  add(
    'report.html',
    Buffer.from(
      renderHtml(report, {
        lang,
        ...(planText === undefined ? {} : { planText }),
        // Named and dated as the letters are.
        ...(options.plans === undefined ? {} : { plans: options.plans }),
        parties,
        now: options.date,
      }),
      'utf8',
    ),
  );
  // The PDF is read, not sent: in English it carries the English rendering of the letters.
  add(
    'report.pdf',
    await renderPdf(report, {
      font: options.font,
      lang,
      letter: letters.map((l) => (lang === 'en' ? l.letterEn : l.letter)),
      ...(planText === undefined ? {} : { planText }),
      ...(options.plans === undefined ? {} : { plans: options.plans }),
      parties,
      now: options.date,
    }),
  );
  add('findings.csv', Buffer.from(renderCsv(report, { lang }), 'utf8'));
  // zh-CN to send; the English rendering beside it for whoever reads the pack.
  for (const l of letters) {
    const stem =
      letters.length === 1 ? 'complaint-letter' : `complaint-letter-${entryName(l.merchantId ?? '')}`;
    add(`${stem}.txt`, Buffer.from(l.letter, 'utf8'));
    add(`${stem}.en.txt`, Buffer.from(l.letterEn, 'utf8'));
  }

  const used = new Set(entries.map((e) => e.name));
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; used.has(n); i += 1) n = name.replace(/(\.[^.]*)?$/, (ext) => `-${i}${ext}`);
    used.add(n);
    return n;
  };
  const inputs: PackManifest['inputs'] = [];
  const notCards = new Set<string>();
  for (const m of report.merchants) if (m.merchantId !== '') notCards.add(m.merchantId);
  for (const p of options.plans ?? []) if (p.merchantId !== undefined) notCards.add(p.merchantId);
  for (const f of report.findings) {
    if (f.merchantId !== undefined) notCards.add(f.merchantId);
    if (f.refNo !== undefined) notCards.add(f.refNo);
    if (f.orderNo !== undefined) notCards.add(f.orderNo);
  }
  for (const input of options.inputs) {
    if (input.bytes === undefined) {
      inputs.push({
        file: shown.get(input.name) ?? input.name,
        kind: input.kind,
        size: input.size ?? 0,
        sha256: input.sha256 ?? '',
        entry: null,
        masked: false,
        note: '原始文件未保存，校验值为导入时记录 / the file itself is not stored; size and hash as recorded at import',
      });
      continue;
    }
    const bytes = Buffer.from(input.bytes);
    const folder =
      input.kind === 'plan' ? 'plan' : input.kind === 'devices' ? 'devices' : `inputs/${input.kind}`;
    const base = {
      file: shown.get(input.name) ?? input.name,
      kind: input.kind,
      size: bytes.length,
      sha256: sha256(bytes),
    };
    const decoded = decodedText(bytes);
    if (decoded === undefined) {
      // A spreadsheet or archive: checked entry by entry; clean → byte for byte, else a masked copy.
      const texts = await zipTexts(bytes);
      const pans = texts === undefined ? [] : fullCardNumbers(texts, notCards);
      const copy = pans.length === 0 ? undefined : await maskedArchive(bytes, notCards);
      if (texts !== undefined && pans.length === 0) {
        const name = unique(`${folder}/${entryName(input.name)}`);
        add(name, bytes);
        inputs.push({ ...base, entry: name, masked: false });
      } else if (copy !== undefined) {
        const stem = entryName(input.name);
        const name = unique(`${folder}/${stem.replace(/(\.[^.]*)?$/, (ext) => `.masked${ext}`)}`);
        add(name, copy);
        inputs.push({
          ...base,
          entry: name,
          masked: true,
          maskedSize: copy.length,
          maskedSha256: sha256(copy),
        });
      } else {
        inputs.push({
          ...base,
          entry: null,
          masked: false,
          note:
            texts === undefined
              ? '无法读取的压缩文件，未放入证据包，只记录其校验值 / unreadable archive not included; hash recorded'
              : '含完整卡号的表格/压缩文件（卡号在非文本内容中）无法生成脱敏副本，未放入证据包，只记录其校验值 / a spreadsheet or archive with full card numbers outside its text entries cannot be masked; not included, hash recorded',
        });
      }
      continue;
    }
    const { text: maskedText, count } = maskFullCardNumbers(decoded.text, notCards);
    if (count === 0) {
      const name = unique(`${folder}/${entryName(input.name)}`);
      add(name, bytes);
      inputs.push({ ...base, entry: name, masked: false });
      continue;
    }
    const maskedBytes = iconv.encode(maskedText, decoded.encoding === 'gbk' ? 'gb18030' : decoded.encoding, {
      addBOM: decoded.bom,
    });
    const stem = entryName(input.name).replace(/\.gz$/i, '');
    const name = unique(`${folder}/${stem.replace(/(\.[^.]*)?$/, (ext) => `.masked${ext}`)}`);
    add(name, maskedBytes);
    inputs.push({
      ...base,
      entry: name,
      masked: true,
      maskedSize: maskedBytes.length,
      maskedSha256: sha256(maskedBytes),
    });
  }
  const manifest: PackManifest = {
    schemaVersion: 1,
    generator: 'posguard',
    date: options.date,
    merchants: report.merchants.map((m) => m.merchantId).filter((m) => m !== ''),
    summary: {
      overchargeFen: report.summary.overchargeFen,
      lossFen: report.summary.lossFen,
      findings: report.findings.length,
      returnedFen: report.summary.returnedFen,
      ...owedOf(report.summary),
    },
    inputs,
    entries: entries.map((e) => ({ name: e.name, size: e.bytes.length, sha256: sha256(e.bytes) })),
  };
  const zip = new yazl.ZipFile();
  // A fixed time keeps the zip reproducible for the same inputs.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  for (const e of entries) zip.addBuffer(e.bytes, e.name, { mtime });
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), 'manifest.json', { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  const out = await new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  return { zip: out, manifest, letter };
}
