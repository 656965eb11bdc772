import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { owedOf } from '../audit/rebates.js';
import type { AuditReport, Finding } from '../audit/report-types.js';
import { findingKindName, headline, isFrozen } from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import { CAUSE_NAMES, diagnosesHeading, diagnosisTitle, moneyWord } from './render-diagnoses.js';

/** A CJK font pdfkit can embed: a TTF/OTF, or a TTC with the PostScript name of the face to use (fontkit matches that name). */
export interface CjkFont {
  path: string;
  family?: string;
}

const CANDIDATES: readonly CjkFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/wqy-microhei/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
];

/**
 * Finds a CJK font at run time: POSGUARD_CJK_FONT (a .ttf/.otf, or `path.ttc#Face Name`), else the Debian
 * packages' paths. The problem names the package to install.
 */
export function findCjkFont(
  env: Readonly<Record<string, string | undefined>> = process.env,
): { ok: true; font: CjkFont } | { ok: false; zh: string; en: string } {
  const configured = env.POSGUARD_CJK_FONT;
  if (configured !== undefined && configured !== '') {
    const [path = '', family] = configured.split('#');
    if (existsSync(path)) return { ok: true, font: family === undefined ? { path } : { path, family } };
    return {
      ok: false,
      zh: `POSGUARD_CJK_FONT 指向的字体不存在：${path}`,
      en: `the font POSGUARD_CJK_FONT names does not exist: ${path}`,
    };
  }
  for (const c of CANDIDATES) if (existsSync(c.path)) return { ok: true, font: c };
  return {
    ok: false,
    zh: '找不到中文字体，无法生成 PDF：请安装 fonts-wqy-microhei（sudo apt-get install fonts-wqy-microhei），或用 POSGUARD_CJK_FONT 指定字体文件',
    en: 'no CJK font found to render the PDF: install fonts-wqy-microhei (sudo apt-get install fonts-wqy-microhei) or set POSGUARD_CJK_FONT to a font file',
  };
}

export interface RenderPdfOptions {
  font: CjkFont;
  /** The complaint letter (one per merchant for several), each printed on its own pages. */
  letter: string | readonly string[];
  title?: string;
  /** The language of the headings and labels; zh-CN by default. The CJK font is embedded either way. */
  lang?: 'zh' | 'en';
  /** Findings listed in the table at most (the CSV has them all); 3000 by default. */
  maxRows?: number;
}

const dateOf = (f: Finding) =>
  f.time !== undefined ? f.time.slice(0, 16).replace('T', ' ') : (f.settleDate ?? '');

/** The report as an A4 PDF (zh-CN or English): totals, diagnoses, the complaint letter and a paged findings table. */
export function renderPdf(report: AuditReport, options: RenderPdfOptions): Promise<Buffer> {
  const lang = options.lang ?? 'zh';
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const title = options.title ?? t('POS 跳点审计报告', 'POS fee audit report');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 42,
    info: { Title: title, Producer: 'posguard', Creator: 'posguard' },
  });
  // Fixed dates keep the file reproducible for the same inputs.
  doc.info.CreationDate = new Date(0);
  doc.info.ModDate = new Date(0);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { path, family } = options.font;
  if (family === undefined) doc.registerFont('cjk', path);
  else doc.registerFont('cjk', path, family);
  doc.font('cjk');
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const s = report.summary;

  doc.fontSize(18).text(title);
  doc.moveDown(0.5);
  doc.fontSize(12).text(headline(report, lang), { width });
  doc.moveDown(0.5);
  doc.fontSize(11);
  doc.text(
    t(`合计多扣手续费：${formatFen(s.overchargeFen)}`, `Fees overcharged: ${formatFen(s.overchargeFen)}`),
  );
  doc.text(t(`合计损失：${formatFen(s.lossFen)}`, `Total loss: ${formatFen(s.lossFen)}`));
  // What rebate lines gave back and what is still owed, as report.html and the letter say it.
  if (s.returnedFen > 0) {
    const { offsetFen, owedFen } = owedOf(s);
    const part = offsetFen < s.returnedFen;
    doc.text(
      t(
        `服务商已返还：${formatFen(s.returnedFen)}${part ? `（其中抵扣损失 ${formatFen(offsetFen)}）` : ''}`,
        `Given back by the provider: ${formatFen(s.returnedFen)}${part ? ` (${formatFen(offsetFen)} of it set against the loss)` : ''}`,
      ),
    );
    doc.text(t(`仍欠：${formatFen(owedFen)}`, `Still owed: ${formatFen(owedFen)}`));
  }
  doc.text(
    t(
      `问题：${report.findings.length} 项（已配对 ${s.matched} 笔，结算记录 ${s.settlementRecords} 条）`,
      `Findings: ${report.findings.length} (${s.matched} matched, ${s.settlementRecords} settlement records)`,
    ),
  );
  const merchants = report.merchants.map((m) => m.merchantId).filter((m) => m !== '');
  if (merchants.length > 0)
    doc.text(t(`商户号：${merchants.join('、')}`, `Merchant no.: ${merchants.join(', ')}`));

  const diagnoses = report.diagnoses ?? [];
  if (diagnoses.length > 0) {
    doc.moveDown();
    doc.fontSize(14).text(diagnosesHeading(lang));
    doc.fontSize(9.5);
    diagnoses.forEach((d, i) => {
      doc.moveDown(0.4);
      doc
        .fontSize(10.5)
        .text(
          t(
            `${i + 1}. ${diagnosisTitle(d, diagnoses, 'zh')}（${CAUSE_NAMES[d.cause].zh}${d.lossFen > 0 ? `，${moneyWord(d, 'zh')} ${formatFen(d.lossFen)}` : ''}）`,
            `${i + 1}. ${diagnosisTitle(d, diagnoses, 'en')} (${CAUSE_NAMES[d.cause].en}${d.lossFen > 0 ? `, ${formatFen(d.lossFen)} ${d.cause === 'money_frozen' ? 'held' : 'lost'}` : ''})`,
          ),
          { width },
        );
      doc.fontSize(9);
      for (const e of lang === 'en' ? d.evidenceEn : d.evidence) doc.text(`· ${e}`, { width, indent: 12 });
      doc.text(t('处理建议：', 'What to do:'), { indent: 12 });
      for (const [k, step] of (lang === 'en' ? d.stepsEn : d.steps).entries())
        doc.text(`${k + 1}) ${step}`, { width, indent: 24 });
    });
  }

  for (const letter of typeof options.letter === 'string' ? [options.letter] : options.letter) {
    doc.addPage();
    doc.fontSize(14).text(t('投诉函', 'Complaint letter'));
    doc.moveDown(0.5);
    doc.fontSize(10).text(letter, { width, lineGap: 2 });
  }

  if (report.findings.length > 0) {
    doc.addPage();
    findingsTable(doc, report.findings, options.maxRows ?? 3000, lang);
  }
  doc.end();
  return done;
}

/**
 * The findings table's columns. With money frozen among the findings (`held`), its amount has a column of its own
 * (冻结 / Held) and is left out of 损失: it is held, not lost. The other columns then give up some width so the
 * table still fits A4's 511 points between the margins (a cell too narrow is set smaller, never cut).
 */
const columns = (
  lang: 'zh' | 'en',
  held: boolean,
): { title: string; width: number; right?: boolean; cell: (f: Finding) => string }[] => {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const w = held
    ? {
        time: 68,
        ref: 72,
        terminal: 44,
        kind: 56,
        amount: 54,
        due: 40,
        charged: 40,
        over: 42,
        lost: 46,
        held: 46,
      }
    : {
        time: 72,
        ref: 78,
        terminal: 46,
        kind: 62,
        amount: 58,
        due: 44,
        charged: 44,
        over: 48,
        lost: 52,
        held: 0,
      };
  return [
    { title: t('时间', 'Time'), width: w.time, cell: dateOf },
    { title: t('参考号/订单号', 'Ref / order no.'), width: w.ref, cell: (f) => f.refNo ?? f.orderNo ?? '' },
    { title: t('终端', 'Terminal'), width: w.terminal, cell: (f) => f.terminalId ?? '' },
    { title: t('类型', 'Kind'), width: w.kind, cell: (f) => findingKindName(f, lang) },
    {
      title: t('金额', 'Amount'),
      width: w.amount,
      right: true,
      cell: (f) => (f.amountFen === undefined ? '' : formatFen(f.amountFen)),
    },
    {
      title: t('应收', 'Due'),
      width: w.due,
      right: true,
      cell: (f) => (f.expectedFeeFen === undefined ? '' : formatFen(f.expectedFeeFen)),
    },
    {
      title: t('实收', 'Charged'),
      width: w.charged,
      right: true,
      cell: (f) => (f.chargedFeeFen === undefined ? '' : formatFen(f.chargedFeeFen)),
    },
    { title: t('多扣', 'Over'), width: w.over, right: true, cell: (f) => formatFen(f.overchargeFen) },
    {
      title: t('损失', 'Lost'),
      width: w.lost,
      right: true,
      cell: (f) => (isFrozen(f) ? '' : formatFen(f.lossFen)),
    },
    ...(held
      ? [
          {
            title: t('冻结', 'Held'),
            width: w.held,
            right: true,
            cell: (f: Finding) => (isFrozen(f) ? formatFen(f.lossFen) : ''),
          },
        ]
      : []),
  ];
};

function findingsTable(
  doc: PDFKit.PDFDocument,
  findings: readonly Finding[],
  maxRows: number,
  lang: 'zh' | 'en',
): void {
  const COLUMNS = columns(lang, findings.some(isFrozen));
  const left = doc.page.margins.left;
  const rowHeight = 12;
  const bottom = () => doc.page.height - doc.page.margins.bottom - rowHeight;
  const header = () => {
    doc.fontSize(8);
    let x = left;
    const y = doc.y;
    for (const c of COLUMNS) {
      doc.text(c.title, x, y, { width: c.width - 4, align: c.right ? 'right' : 'left', lineBreak: false });
      x += c.width;
    }
    doc
      .moveTo(left, y + rowHeight - 2)
      .lineTo(x, y + rowHeight - 2)
      .lineWidth(0.5)
      .stroke();
    doc.y = y + rowHeight;
  };
  doc
    .fontSize(14)
    .text(lang === 'en' ? `Findings (${findings.length})` : `问题明细（${findings.length}）`, left);
  doc.moveDown(0.3);
  header();
  const shown = findings.slice(0, maxRows);
  for (const f of shown) {
    if (doc.y > bottom()) {
      doc.addPage();
      header();
    }
    let x = left;
    const y = doc.y;
    for (const c of COLUMNS) {
      // A long id (a 28–32 character WeChat/Alipay order number) is set smaller to fit its cell whole: cut off
      // it identifies nothing, wrapped it would print over the next row.
      const text = c.cell(f);
      let size = 7.5;
      doc.fontSize(size);
      const fullHeight = doc.currentLineHeight();
      while (size > 4 && doc.widthOfString(text) > c.width - 4) {
        size -= 0.25;
        doc.fontSize(size);
      }
      // On the row's baseline: lowered by the difference in ascent (about 0.8 of the line height).
      const dy = size === 7.5 ? 0 : (fullHeight - doc.currentLineHeight()) * 0.8;
      doc.text(text, x, y + dy, {
        width: c.width - 4,
        align: c.right ? 'right' : 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += c.width;
    }
    doc.y = y + rowHeight;
  }
  if (findings.length > shown.length) {
    const more = findings.length - shown.length;
    doc
      .fontSize(9)
      .text(
        lang === 'en'
          ? `${more} more not listed; findings.csv has them all`
          : `另有 ${more} 项未列出，完整明细见 findings.csv`,
        left,
      );
  }
}
