import { describe, expect, it } from 'vitest';
import {
  type Attribution,
  attributeFiles,
  attributionWarnings,
  type FileClues,
  filesWithoutSelected,
  keeps,
  sameAccount,
  type StatementTitle,
} from './merchant-files.js';

const A = '822000000000001';
const B = '822000000000002';
const C = '822000000000003';

const path = {
  directoryOf: (file: string) => file.slice(0, Math.max(0, file.lastIndexOf('/'))),
  baseName: (file: string) => file.slice(file.lastIndexOf('/') + 1),
};

const statement = (file: string, merchants: string[] | undefined, title: Partial<StatementTitle> = {}) => ({
  file,
  merchants,
  names: [],
  accounts: [],
  ...title,
});

const clues = (file: string, said: Partial<FileClues> = {}): FileClues => ({
  file,
  numbers: [],
  titles: [],
  memos: [],
  names: [],
  accounts: [],
  ...said,
});

const verdicts = (attributions: readonly Attribution[]) =>
  attributions.map((a) =>
    a.verdict === 'other' ? [a.file, a.verdict, a.merchantId, a.by] : [a.file, a.verdict],
  );

describe('attributeFiles', () => {
  // An agent's folder: A's and B's statements side by side in flat/, one folder each in a/ and b/.
  const statements = [
    statement('flat/settlement-a.csv', [A], { names: ['鸿运便利店'], accounts: ['6222****1111'] }),
    statement('flat/settlement-b.csv', [B], { names: ['星光书店'], accounts: ['6222****2222'] }),
    statement('a/settlement.csv', [A]),
    statement('b/settlement.csv', [B]),
  ];
  const selected = new Set([A]);

  it('tells a flat folder’s bank files apart by what each says', () => {
    const files = [
      clues(`flat/bank-${B}.csv`),
      clues('flat/1.csv', { names: ['星光书店'] }),
      clues('flat/2.csv', { names: ['鸿运便利店'] }),
      clues('flat/3.csv', { accounts: ['6222021234562222'] }),
      clues('flat/4.csv', { titles: [`商户号：${B}`], numbers: [B] }),
      clues('flat/5.csv', { memos: [`T1结算款${B}`] }),
      clues('flat/6.csv', { titles: [`对账单 ${B}`] }),
      clues('flat/7.csv'),
    ];
    expect(verdicts(attributeFiles(statements, files, selected, path))).toEqual([
      [`flat/bank-${B}.csv`, 'other', B, 'file-name'],
      ['flat/1.csv', 'other', B, 'name'],
      ['flat/2.csv', 'selected'],
      ['flat/3.csv', 'other', B, 'account'],
      ['flat/4.csv', 'other', B, 'number'],
      ['flat/5.csv', 'other', B, 'memo'],
      ['flat/6.csv', 'other', B, 'title'],
      ['flat/7.csv', 'unattributed'],
    ]);
  });

  it('keeps a file that names a selected merchant as well as another (one account for both)', () => {
    const both = clues('flat/both.csv', { memos: [`结算款${B}`, `结算款${A}`] });
    expect(verdicts(attributeFiles(statements, [both], selected, path))).toEqual([
      ['flat/both.csv', 'selected'],
    ]);
  });

  it('goes by the folder when the file says nothing, then by the folder’s name', () => {
    const files = [
      clues('a/bank.csv'),
      clues('b/bank.csv'),
      clues(`downloads/${B}/流水.csv`),
      clues('downloads/流水.csv'),
    ];
    expect(verdicts(attributeFiles(statements, files, selected, path))).toEqual([
      ['a/bank.csv', 'folder-selected'],
      ['b/bank.csv', 'folder-other'],
      [`downloads/${B}/流水.csv`, 'other', B, 'folder-name'],
      ['downloads/流水.csv', 'unattributed'],
    ]);
  });

  it('takes what a file says over the folder it lies in', () => {
    const files = [
      clues('a/bank.csv', { names: ['星光书店'] }),
      clues('b/bank.csv', { names: ['鸿运便利店'] }),
    ];
    expect(verdicts(attributeFiles(statements, files, selected, path))).toEqual([
      ['a/bank.csv', 'other', B, 'name'],
      ['b/bank.csv', 'selected'],
    ]);
  });

  it('takes no number of a merchant the statements do not name, nor one too short to be one', () => {
    const files = [
      clues('flat/1.csv', { numbers: [C], memos: [`结算款${C}`] }),
      clues('flat/2.csv', { memos: ['结算款 0805 第2笔'] }),
    ];
    const short = [statement('flat/s.csv', ['0805']), ...statements];
    expect(verdicts(attributeFiles(short, files, selected, path))).toEqual([
      ['flat/1.csv', 'unattributed'],
      ['flat/2.csv', 'unattributed'],
    ]);
  });

  it('reads no name of a statement of several merchants as any one’s', () => {
    const agent = [statement('flat/all.csv', [A, B], { names: ['星光书店'] })];
    const files = [clues('flat/1.csv', { names: ['星光书店'] })];
    expect(verdicts(attributeFiles(agent, files, selected, path))).toEqual([['flat/1.csv', 'unattributed']]);
  });

  it('says nothing of files when the statements name no other merchant', () => {
    const own = [statement('flat/settlement-a.csv', [A])];
    expect(verdicts(attributeFiles(own, [clues('x/bank.csv')], selected, path))).toEqual([
      ['x/bank.csv', 'alone'],
    ]);
  });

  it('goes by the merchant a devices file declares, whoever the statements name', () => {
    const files = [clues('flat/devices.yaml', { owner: A }), clues('a/devices.yaml', { owner: C })];
    const found = attributeFiles(statements, files, selected, path);
    expect(verdicts(found)).toEqual([
      ['flat/devices.yaml', 'selected'],
      ['a/devices.yaml', 'other', C, 'owner'],
    ]);
    expect(found.map(keeps)).toEqual([true, false]);
  });

  it('keeps a folder whose statements cannot say: lines without a number, or merchants unknown', () => {
    const unsure = [
      ...statements,
      statement('x/settlement.csv', [B, '']),
      statement('y/settlement.csv', undefined),
    ];
    const files = [clues('x/bank.csv'), clues('y/bank.csv')];
    expect(verdicts(attributeFiles(unsure, files, selected, path))).toEqual([
      ['x/bank.csv', 'unattributed'],
      ['y/bank.csv', 'unattributed'],
    ]);
  });
});

describe('sameAccount', () => {
  it('matches a masked account with the full one, digits both show agreeing', () => {
    expect(sameAccount('6222****1111', '6222021234561111')).toBe(true);
    expect(sameAccount('6222 0212 3456 1111', '6222021234561111')).toBe(true);
    expect(sameAccount('622202******1111', '6222XXXXXXXX1111')).toBe(true);
    expect(sameAccount('6222****1111', '6222021234562222')).toBe(false);
    expect(sameAccount('6228****1111', '6222021234561111')).toBe(false);
    expect(sameAccount('6222021234561111', '6222021234561112')).toBe(false);
    // Fewer than four digits at the end tell nothing.
    expect(sameAccount('6222*********11', '6222021234561111')).toBe(false);
    expect(sameAccount('鸿运', '鸿运')).toBe(false);
  });
});

describe('filesWithoutSelected', () => {
  it('names the files with lines of other merchants only', () => {
    const files = [
      { file: 'a.csv', merchants: [A] },
      { file: 'b.csv', merchants: [B] },
      { file: 'ab.csv', merchants: [A, B] },
      { file: 'b-unnumbered.csv', merchants: [B, ''] },
      { file: 'unknown.csv', merchants: undefined },
      { file: 'no-lines.csv', merchants: [] },
      { file: 'journal.csv', merchants: [''], mayBeSelected: true },
    ];
    expect([...filesWithoutSelected(files, new Set([A]))]).toEqual(['b.csv', 'b-unnumbered.csv']);
    expect(filesWithoutSelected(files, undefined).size).toBe(0);
  });
});

describe('attributionWarnings', () => {
  it('says once per verdict which files were left out and which could not be told', () => {
    const warnings = attributionWarnings('bank', [
      { file: 'bank-b.csv', verdict: 'other', merchantId: B, by: 'file-name' },
      { file: 'b/bank.csv', verdict: 'folder-other' },
      { file: 'x.csv', verdict: 'unattributed' },
      { file: 'a.csv', verdict: 'selected' },
    ]);
    expect(warnings).toEqual([
      `bank-b.csv（文件名中的商户号表明属于商户 ${B}）是 --merchant 以外商户的银行流水，未用于核对所选商户的到账 / ` +
        `bank-b.csv (merchant ${B}'s, by the merchant number in its name): a bank statement of a merchant other than --merchant, so it was not used to check the selected merchants' payouts`,
      'b/bank.csv 所在目录的结算单只属于 --merchant 以外的商户，未用于核对所选商户的到账 / ' +
        "b/bank.csv: the statements beside it are only of merchants other than --merchant, so it was not used to check the selected merchants' payouts",
      '无法判断 x.csv 属于哪个商户（户名、账号、商户号、文件名和所在目录都没有指明），仍用于核对所选商户的到账；若是其他商户的银行流水，请不要一并给出 / ' +
        "x.csv: could not be attributed to a merchant (no account holder, account number, merchant number, file or folder name tells), so it was kept to check the selected merchants' payouts; leave it out if it is another merchant's",
    ]);
  });

  it('names five files and counts the rest', () => {
    const files = Array.from({ length: 7 }, (_, i) => ({
      file: `d${i}.yaml`,
      verdict: 'unattributed' as const,
    }));
    const [warning] = attributionWarnings('devices', files);
    expect(warning).toContain('无法判断 d0.yaml、d1.yaml、d2.yaml、d3.yaml、d4.yaml 等 7 个 属于哪个商户');
    expect(warning).toContain(
      'd0.yaml, d1.yaml, d2.yaml, d3.yaml, d4.yaml and 2 more: could not be attributed',
    );
    expect(warning).toContain("leave them out if they are another merchant's");
  });
});
