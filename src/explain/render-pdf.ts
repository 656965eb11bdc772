import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { owedOf } from '../audit/rebates.js';
import { plansOfText, reportFacts } from '../audit/render-html.js';
import type { AuditReport, Finding } from '../audit/report-types.js';
import {
  channelCardName,
  findingKindName,
  headline,
  isFrozen,
  kindRows,
  rateChangeCells,
} from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import { formatRate } from '../money/rate.js';
import { divideRoundedBig } from '../money/round.js';
import { describePlan } from '../plans/describe-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { dayNumber } from '../time/shanghai.js';
import type { StatementParties } from './statement-parties.js';
import { causeTag, diagnosesHeading, diagnosisTitle, moneyWord } from './render-diagnoses.js';

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
  /** The plans the audit used: the merchant's and provider's names in the header, and the plan summary. */
  plans?: readonly FeePlan[];
  /** The plan as the user wrote it: its plan is summarised when `plans` is not given. */
  planText?: string;
  /** Who the statements' and journals' title lines name (statementParties), as report.html and the letter use. */
  parties?: readonly StatementParties[];
  /** The report's date (YYYY-MM-DD, Asia/Shanghai) or a moment in it; the system clock by default. */
  now?: Date | string;
  /** Rejected rows listed at most (report.html lists them all); 200 by default. */
  maxRejected?: number;
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
  doc.moveDown(0.3);
  // Who, which provider, what period, when: the same facts, named the same way, as report.html's header.
  const facts = reportFacts(report, {
    lang,
    ...(options.plans === undefined ? {} : { plans: options.plans }),
    ...(options.planText === undefined ? {} : { planText: options.planText }),
    ...(options.parties === undefined ? {} : { parties: options.parties }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  doc.fontSize(10);
  for (const f of facts) doc.text(`${f.label}${t('：', ': ')}${f.value}`, { width });
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
  byKindSection(doc, report, lang);
  rateSection(doc, report, lang);

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
            `${i + 1}. ${diagnosisTitle(d, diagnoses, 'zh')}（${causeTag(d, 'zh')}${d.lossFen > 0 ? `，${moneyWord(d, 'zh')} ${formatFen(d.lossFen)}` : ''}）`,
            `${i + 1}. ${diagnosisTitle(d, diagnoses, 'en')} (${causeTag(d, 'en')}${d.lossFen > 0 ? `, ${formatFen(d.lossFen)} ${d.cause === 'money_frozen' ? 'held' : 'lost'}` : ''})`,
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

  planSection(doc, options.plans ?? plansOfText(options.planText), options.planText, lang);
  rejectedSection(doc, report, options.maxRejected ?? 200, lang);

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
  const header = () => tableHeader(doc, COLUMNS, rowHeight - 2, rowHeight);
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

/**
 * A table's header row at the current position: the column titles in 8 pt, a rule `ruleAt` below their top, and
 * the position moved `advance` down for the first row.
 */
function tableHeader(
  doc: PDFKit.PDFDocument,
  cols: readonly { title: string; width: number; right?: boolean }[],
  ruleAt: number,
  advance: number,
): void {
  const left = doc.page.margins.left;
  doc.fontSize(8);
  let x = left;
  const y = doc.y;
  for (const c of cols) {
    doc.text(c.title, x, y, { width: c.width - 4, align: c.right ? 'right' : 'left', lineBreak: false });
    x += c.width;
  }
  doc
    .moveTo(left, y + ruleAt)
    .lineTo(x, y + ruleAt)
    .lineWidth(0.5)
    .stroke();
  doc.y = y + advance;
}

interface PlainColumn {
  title: string;
  width: number;
  right?: boolean;
  /** Text that may run to several lines (reasons); other cells are set smaller to fit one line whole. */
  wrap?: boolean;
}

/** A section heading, on a new page when too little of this one is left for it and a few lines. */
function heading(doc: PDFKit.PDFDocument, text: string, room = 80): void {
  if (doc.y > doc.page.height - doc.page.margins.bottom - room) doc.addPage();
  else doc.moveDown(0.8);
  doc.fontSize(13).text(text, doc.page.margins.left);
  doc.moveDown(0.2);
}

/**
 * A plain table: the header repeated on each page; an id or an amount set smaller rather than cut or wrapped, a
 * `wrap` column's text wrapped and the row as tall as it needs.
 */
function plainTable(doc: PDFKit.PDFDocument, cols: readonly PlainColumn[], rows: readonly string[][]): void {
  const left = doc.page.margins.left;
  const size = 7.5;
  const line = 11;
  const header = () => tableHeader(doc, cols, line - 1, line + 1);
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  if (doc.y > bottom() - 3 * line) doc.addPage();
  header();
  for (const row of rows) {
    doc.fontSize(size);
    const height = Math.max(
      line,
      ...cols.map((c, i) => (c.wrap ? doc.heightOfString(row[i] ?? '', { width: c.width - 4 }) + 2 : 0)),
    );
    if (doc.y + height > bottom()) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    let x = left;
    cols.forEach((c, i) => {
      const text = row[i] ?? '';
      doc.fontSize(size);
      if (c.wrap) doc.text(text, x, y, { width: c.width - 4 });
      else {
        let s = size;
        while (s > 4 && doc.widthOfString(text) > c.width - 4) {
          s -= 0.25;
          doc.fontSize(s);
        }
        doc.text(text, x, y, { width: c.width - 4, align: c.right ? 'right' : 'left', lineBreak: false });
      }
      x += c.width;
    });
    doc.y = y + height;
  }
  doc.x = left;
}

/** 按类型 / Findings by kind: count, overcharge and loss per kind, money frozen in a column of its own. */
function byKindSection(doc: PDFKit.PDFDocument, report: AuditReport, lang: 'zh' | 'en'): void {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const { rows, held } = kindRows(report, lang);
  heading(doc, t('按类型', 'Findings by kind'));
  if (rows.length === 0) {
    doc.fontSize(10).text(t('未发现问题。', 'No findings.'));
    return;
  }
  plainTable(
    doc,
    [
      { title: t('类型', 'Kind'), width: 150 },
      { title: t('笔数', 'Count'), width: 60, right: true },
      { title: t('多扣', 'Overcharge'), width: 90, right: true },
      { title: t('损失', 'Loss'), width: 90, right: true },
      ...(held ? [{ title: t('冻结', 'Held'), width: 90, right: true }] : []),
    ],
    rows.map((r) => [
      r.name,
      String(r.count),
      formatFen(r.overchargeFen),
      formatFen(r.lossFen),
      ...(held ? [formatFen(r.heldFen)] : []),
    ]),
  );
}

const CHART_COLOURS = [
  '#1f6fb2',
  '#d1495b',
  '#2a9d8f',
  '#e09f3e',
  '#6a4c93',
  '#3d5a80',
  '#8d6e63',
  '#43aa8b',
];

/**
 * 实际费率走势 / Effective rate over time: the rate each channel and card was charged day by day (fee ÷ amount,
 * as report.html's chart draws it), each rate change a dashed line, then the rate changes' table.
 */
function rateSection(doc: PDFKit.PDFDocument, report: AuditReport, lang: 'zh' | 'en'): void {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  heading(doc, t('实际费率走势', 'Effective rate over time'), 230);
  const series = new Map<string, { label: string; points: { day: number; ppm: number }[] }>();
  for (const r of report.effectiveRates ?? []) {
    if (r.amountFen <= 0) continue;
    const key = `${r.channel}|${r.card}`;
    const s = series.get(key) ?? { label: channelCardName(r.channel, r.card, lang), points: [] };
    s.points.push({
      day: dayNumber(r.date),
      ppm: Number(divideRoundedBig(BigInt(r.feeFen) * 1_000_000n, BigInt(r.amountFen), 'half-even')),
    });
    series.set(key, s);
  }
  const all = [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  const points = all.flatMap((s) => s.points);
  if (points.length === 0) doc.fontSize(10).text(t('没有可绘制的费率数据。', 'No rate data to chart.'));
  else {
    for (const s of all) s.points.sort((a, b) => a.day - b.day);
    const left = doc.page.margins.left + 40;
    const width = doc.page.width - doc.page.margins.right - left;
    const top = doc.y + 6;
    const height = 130;
    const days = points.map((p) => p.day);
    const ppms = points.map((p) => p.ppm);
    const [d0, d1] = [Math.min(...days), Math.max(...days)];
    let [p0, p1] = [Math.min(...ppms), Math.max(...ppms)];
    if (p1 - p0 < 200) [p0, p1] = [Math.max(0, p0 - 100), p1 + 100];
    const x = (day: number) => left + (d1 === d0 ? width / 2 : ((day - d0) / (d1 - d0)) * width);
    const y = (ppm: number) => top + height - ((ppm - p0) / (p1 - p0)) * height;
    doc.save().lineWidth(0.5).strokeColor('#999');
    doc.rect(left, top, width, height).stroke();
    doc.restore();
    doc.fontSize(7).fillColor('#555');
    for (const ppm of [p0, (p0 + p1) / 2, p1])
      doc.text(formatRate(Math.round(ppm)), left - 40, y(ppm) - 3, {
        width: 36,
        align: 'right',
        lineBreak: false,
      });
    const dateOfDay = (day: number) =>
      (report.effectiveRates ?? []).find((r) => dayNumber(r.date) === day)?.date ?? '';
    doc.text(dateOfDay(d0), left, top + height + 2, { lineBreak: false });
    doc.text(dateOfDay(d1), left + width - 60, top + height + 2, {
      width: 60,
      align: 'right',
      lineBreak: false,
    });
    for (const c of report.rateChanges) {
      const cx = x(dayNumber(c.date));
      doc.save().lineWidth(0.6).strokeColor('#c0392b').dash(2, { space: 2 });
      doc
        .moveTo(cx, top)
        .lineTo(cx, top + height)
        .stroke();
      doc.restore();
    }
    all.forEach((s, i) => {
      const colour = CHART_COLOURS[i % CHART_COLOURS.length] ?? '#000';
      doc.save().lineWidth(1).strokeColor(colour);
      s.points.forEach((p, k) => {
        if (k === 0) doc.moveTo(x(p.day), y(p.ppm));
        else doc.lineTo(x(p.day), y(p.ppm));
      });
      if (s.points.length === 1) {
        const [p] = s.points;
        if (p !== undefined) doc.circle(x(p.day), y(p.ppm), 1.5).fill(colour);
      } else doc.stroke();
      doc.restore();
    });
    // The legend, one line below the dates.
    let lx = left;
    let ly = top + height + 14;
    all.forEach((s, i) => {
      const colour = CHART_COLOURS[i % CHART_COLOURS.length] ?? '#000';
      doc.fontSize(7.5);
      // A legend wider than the chart goes on to the next line.
      if (lx > left && lx + 11 + doc.widthOfString(s.label) > left + width) {
        lx = left;
        ly += 11;
      }
      doc
        .save()
        .rect(lx, ly + 1, 8, 5)
        .fill(colour)
        .restore();
      doc
        .fillColor('#333')
        .fontSize(7.5)
        .text(s.label, lx + 11, ly, { lineBreak: false });
      lx += 11 + doc.widthOfString(s.label) + 14;
    });
    doc.fillColor('black');
    doc.x = doc.page.margins.left;
    doc.y = ly + 16;
  }
  if (report.rateChanges.length === 0) return;
  doc.fontSize(11).text(t('费率变化', 'Rate changes'), doc.page.margins.left);
  doc.moveDown(0.2);
  plainTable(
    doc,
    [
      { title: t('日期', 'Date'), width: 54 },
      { title: t('商户号', 'Merchant'), width: 70 },
      { title: t('渠道/卡种', 'Channel/card'), width: 70, wrap: true },
      { title: t('金额段', 'Band'), width: 62, wrap: true },
      { title: t('变化', 'Change'), width: 125, wrap: true },
      { title: t('笔数', 'Txns'), width: 34, right: true },
      { title: t('方案内', 'In plan'), width: 42 },
      { title: t('按期通知', 'Notice kept'), width: 54 },
    ],
    report.rateChanges.map((c) => rateChangeCells(c, lang)),
  );
}

/** 费率方案 / Fee plan: each plan the audit used, summarised as `plan check` does; the text as written otherwise. */
function planSection(
  doc: PDFKit.PDFDocument,
  plans: readonly FeePlan[],
  planText: string | undefined,
  lang: 'zh' | 'en',
): void {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  // Without the plan the caller knows nothing of it: no section, rather than one saying there was none.
  if (plans.length === 0 && (planText === undefined || planText.trim() === '')) return;
  heading(doc, t('费率方案', 'Fee plan'));
  doc.fontSize(8.5);
  if (plans.length > 0) {
    plans.forEach((plan, i) => {
      if (i > 0) doc.moveDown(0.5);
      doc.text(describePlan(plan, lang).trimEnd(), { width });
    });
  } else doc.text((planText ?? '').trimEnd(), { width });
}

/** 被拒绝的行 / Rejected rows: how many, and the first `max` of them with file, row, column and reason. */
function rejectedSection(doc: PDFKit.PDFDocument, report: AuditReport, max: number, lang: 'zh' | 'en'): void {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  heading(
    doc,
    `${t('被拒绝的行', 'Rejected rows')}${t(`（${report.rejected.length}）`, ` (${report.rejected.length})`)}`,
  );
  if (report.rejected.length === 0) {
    doc.fontSize(10).text(t('没有。', 'None.'));
    return;
  }
  plainTable(
    doc,
    [
      { title: t('文件', 'File'), width: 150, wrap: true },
      { title: t('行', 'Row'), width: 36, right: true },
      { title: t('列', 'Column'), width: 70, wrap: true },
      { title: t('原因', 'Reason'), width: 255, wrap: true },
    ],
    report.rejected.slice(0, max).map((r) => [r.file, String(r.row), r.column ?? '', r.reason]),
  );
  const more = report.rejected.length - max;
  if (more > 0)
    doc
      .fontSize(9)
      .text(
        t(
          `另有 ${more} 行未列出，完整列表见 report.html`,
          `${more} more not listed; report.html lists them all`,
        ),
        doc.page.margins.left,
      );
}
