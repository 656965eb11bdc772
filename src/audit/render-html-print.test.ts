import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';

// `th, td { overflow-wrap: anywhere }` let every column shrink to one character: printed on A4, the examples'
// report put one finding on a page (181 pages for 158 findings) and its reference numbers one digit a line.
// This prints the report with the real Chromium, as a merchant's browser would.

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..', '..');
const haveChromium = existsSync(CHROMIUM);
// Locally without Chromium the test is skipped; under CI a missing browser fails it.
const suite = haveChromium || process.env['CI'] === 'true' ? describe : describe.skip;

suite('the HTML report printed on A4 (Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-html-print-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fits several findings a page, reference numbers and terminals on one line', async () => {
    const run = await runCli(
      ['audit', join(ROOT, 'examples'), '--format', 'html', '--out', join(dir, 'report.html')],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const findings = html.match(/<tr data-kind=/g)?.length ?? 0;
    // The examples hold well over a hundred findings (158 when this was written): enough rows to fill pages.
    expect(findings).toBeGreaterThan(100);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${join(dir, 'report.html')}`);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      writeFileSync(join(dir, 'report.pdf'), pdf);
      const info = execFileSync('pdfinfo', [join(dir, 'report.pdf')], { encoding: 'utf8' });
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      // The header, chart and tails take a few pages; the findings table at least ten rows a page.
      expect(pages).toBeGreaterThan(1);
      expect(pages).toBeLessThanOrEqual(Math.ceil(findings / 10) + 10);

      // The printed width: A4's 210 mm less 12 mm margins each side, 186 mm at 96 px an inch.
      await page.setViewportSize({ width: Math.floor((186 / 25.4) * 96), height: 1000 });
      // Run in the page (a string: the test's own types know no DOM). Columns 3, 4 and 5 are 参考号/订单号, 终端
      // and the amount; each cell's text, the height of its box, its line height and the lines it takes.
      const cells = await page.evaluate<
        { text: string; height: number; line: number; lines: number }[]
      >(`(() => {
        const row = document.querySelector('table.findings tbody tr');
        const tds = row === null ? [] : [...row.querySelectorAll('td')];
        return [2, 3, 4].map((i) => {
          const td = tds[i];
          if (td === undefined) return { text: '', height: -1, line: 0, lines: -1 };
          const range = document.createRange();
          range.selectNodeContents(td);
          const rects = [...range.getClientRects()].filter((r) => r.width > 0);
          return {
            text: td.textContent ?? '',
            height: range.getBoundingClientRect().height,
            line: Number.parseFloat(getComputedStyle(td).lineHeight),
            lines: new Set(rects.map((r) => Math.round(r.top))).size,
          };
        });
      })()`);
      for (const c of cells) {
        expect(c.text).toMatch(/^[\d¥.,-]{6,}$/);
        // One line: the text's box one line tall, all its fragments on one top.
        expect(c.lines).toBe(1);
        expect(c.height).toBeLessThanOrEqual(c.line * 1.2);
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
