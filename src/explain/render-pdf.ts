import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { AuditReport, Finding } from '../audit/report-types.js';
import { headline, kindName } from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import { CAUSE_NAMES, diagnosesHeading, diagnosisTitle } from './render-diagnoses.js';

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
  /** Findings listed in the table at most (the CSV has them all); 3000 by default. */
  maxRows?: number;
}

const dateOf = (f: Finding) =>
  f.time !== undefined ? f.time.slice(0, 16).replace('T', ' ') : (f.settleDate ?? '');

/** The report as an A4 PDF in Chinese: totals, diagnoses, the complaint letter and a paged findings table. */
export function renderPdf(report: AuditReport, options: RenderPdfOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 42,
    info: { Title: options.title ?? 'POS 跳点审计报告', Producer: 'posguard', Creator: 'posguard' },
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

  doc.fontSize(18).text(options.title ?? 'POS 跳点审计报告');
  doc.moveDown(0.5);
  doc.fontSize(12).text(headline(report, 'zh'), { width });
  doc.moveDown(0.5);
  doc.fontSize(11);
  doc.text(`合计多扣手续费：${formatFen(s.overchargeFen)}`);
  doc.text(`合计损失：${formatFen(s.lossFen)}`);
  doc.text(
    `问题：${report.findings.length} 项（已配对 ${s.matched} 笔，结算记录 ${s.settlementRecords} 条）`,
  );
  const merchants = report.merchants.map((m) => m.merchantId).filter((m) => m !== '');
  if (merchants.length > 0) doc.text(`商户号：${merchants.join('、')}`);

  const diagnoses = report.diagnoses ?? [];
  if (diagnoses.length > 0) {
    doc.moveDown();
    doc.fontSize(14).text(diagnosesHeading('zh'));
    doc.fontSize(9.5);
    diagnoses.forEach((d, i) => {
      doc.moveDown(0.4);
      doc
        .fontSize(10.5)
        .text(
          `${i + 1}. ${diagnosisTitle(d, diagnoses, 'zh')}（${CAUSE_NAMES[d.cause].zh}${d.lossFen > 0 ? `，损失 ${formatFen(d.lossFen)}` : ''}）`,
          { width },
        );
      doc.fontSize(9);
      for (const e of d.evidence) doc.text(`· ${e}`, { width, indent: 12 });
      doc.text('处理建议：', { indent: 12 });
      for (const [k, step] of d.steps.entries()) doc.text(`${k + 1}) ${step}`, { width, indent: 24 });
    });
  }

  for (const letter of typeof options.letter === 'string' ? [options.letter] : options.letter) {
    doc.addPage();
    doc.fontSize(14).text('投诉函');
    doc.moveDown(0.5);
    doc.fontSize(10).text(letter, { width, lineGap: 2 });
  }

  if (report.findings.length > 0) {
    doc.addPage();
    findingsTable(doc, report.findings, options.maxRows ?? 3000);
  }
  doc.end();
  return done;
}

const COLUMNS: { title: string; width: number; right?: boolean; cell: (f: Finding) => string }[] = [
  { title: '时间', width: 72, cell: dateOf },
  { title: '参考号/订单号', width: 78, cell: (f) => f.refNo ?? f.orderNo ?? '' },
  { title: '终端', width: 46, cell: (f) => f.terminalId ?? '' },
  { title: '类型', width: 62, cell: (f) => kindName(f.kind, 'zh') },
  {
    title: '金额',
    width: 58,
    right: true,
    cell: (f) => (f.amountFen === undefined ? '' : formatFen(f.amountFen)),
  },
  {
    title: '应收',
    width: 44,
    right: true,
    cell: (f) => (f.expectedFeeFen === undefined ? '' : formatFen(f.expectedFeeFen)),
  },
  {
    title: '实收',
    width: 44,
    right: true,
    cell: (f) => (f.chargedFeeFen === undefined ? '' : formatFen(f.chargedFeeFen)),
  },
  { title: '多扣', width: 48, right: true, cell: (f) => formatFen(f.overchargeFen) },
  { title: '损失', width: 52, right: true, cell: (f) => formatFen(f.lossFen) },
];

function findingsTable(doc: PDFKit.PDFDocument, findings: readonly Finding[], maxRows: number): void {
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
  doc.fontSize(14).text(`问题明细（${findings.length}）`, left);
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
    doc.fontSize(9).text(`另有 ${findings.length - shown.length} 项未列出，完整明细见 findings.csv`, left);
  }
}
