import { readFileSync } from 'node:fs';
import { editDistance, readYamlTree } from '../plans/yaml-tree.js';
import { normaliseHeader } from './header-match.js';
import { PRESET_FIELDS, type Preset, type PresetField } from './preset.js';
import { resolveColumns } from './table-reader.js';

// A --mapping is the user's description of their file. A column name in it that the header does not have (记帐日期
// for 记账日期) either loses the header — every row then "not a statement" — or loses that field in silence. Both
// now name the mapping's line, the field and the header's closest column.

/** Where a mapping file is: read for its lines, and shown in messages as the user typed it. */
export interface MappingSource {
  file: string;
  shown: string;
}

/** One mapped field whose column names are not in a table's header, as `file:line columns.field: why`. */
export interface MappedColumnIssue {
  field: PresetField;
  zh: string;
  en: string;
}

/** The column names (not numbers) a preset gives a field. */
export function mappedNames(preset: Preset, field: PresetField): string[] {
  const refs = preset.columns[field];
  if (refs === undefined) return [];
  return (Array.isArray(refs) ? refs : [refs]).filter((r): r is string => typeof r === 'string');
}

/** The column numbers (1-based) a preset gives a field: `amount: 7` picks the 7th column, header or not. */
export function mappedNumbers(preset: Preset, field: PresetField): number[] {
  const refs = preset.columns[field];
  if (refs === undefined) return [];
  return (Array.isArray(refs) ? refs : [refs]).filter((r): r is number => typeof r === 'number');
}

/**
 * The header cell most like one of `names` (edit distance over header keys: full/half width, spaces and case
 * aside), when it is close enough to be a typo of it: 记帐日期 → 记账日期, 附注 → 附言. Cells at `taken` are
 * other fields' columns and are not offered.
 */
export function closestHeader(
  names: readonly string[],
  cells: readonly string[],
  taken: ReadonlySet<number> = new Set(),
): string | undefined {
  let best: { cell: string; distance: number } | undefined;
  for (const name of names) {
    const a = normaliseHeader(name).key;
    for (const [i, cell] of cells.entries()) {
      if (taken.has(i) || cell.trim() === '') continue;
      const b = normaliseHeader(cell).key;
      if (b === '') continue;
      const distance = editDistance(a, b);
      if (distance > Math.max(1, Math.floor(Math.max(a.length, b.length) / 2))) continue;
      if (best === undefined || distance < best.distance) best = { cell: cell.trim(), distance };
    }
  }
  return best?.cell;
}

/** The line of each key of a mapping file (`columns.time` → 4); empty when the file cannot be read again. */
function keyLines(file: string): ReadonlyMap<string, number> {
  try {
    const read = readYamlTree(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    return read.ok ? read.tree.keyLines : new Map();
  } catch {
    return new Map();
  }
}

/**
 * The mapped fields whose names are not in `cells` (a header, or the row most like one), each as
 * `m.yaml:4 columns.time: “记帐日期”不在表头中，最接近的是“记账日期”`; `found` is the column each field was found
 * at (-1 when not). Every message about a mapped column the header lacks starts so, whoever finds it. A field
 * given only by column numbers the header does not reach says so (`表头只有 6 列，没有第 9 列`).
 */
export function missingMappedColumns(
  preset: Preset,
  cells: readonly string[],
  found: (field: PresetField) => number,
  mapping: MappingSource,
): MappedColumnIssue[] {
  const missing = PRESET_FIELDS.filter(
    (f) => (mappedNames(preset, f).length > 0 || mappedNumbers(preset, f).length > 0) && found(f) < 0,
  );
  if (missing.length === 0) return [];
  const lines = keyLines(mapping.file);
  const taken = new Set(PRESET_FIELDS.map(found).filter((i) => i >= 0));
  const issues = missing.map((field) => {
    const names = mappedNames(preset, field);
    const line = lines.get(`columns.${field}`);
    const place = `${line === undefined ? mapping.shown : `${mapping.shown}:${line}`} columns.${field}`;
    if (names.length === 0) {
      const numbers = mappedNumbers(preset, field);
      return {
        field,
        line: line ?? 0,
        zh: `${place}: 表头只有 ${cells.length} 列，没有第 ${numbers.join('、')} 列`,
        en: `${place}: the header has ${cells.length} columns, no column ${numbers.join(' or ')}`,
      };
    }
    const guess = closestHeader(names, cells, taken);
    const zhNames = names.map((n) => `“${n}”`).join('、');
    const enNames = names.map((n) => `"${n}"`).join(', ');
    return {
      field,
      line: line ?? 0,
      zh: `${place}: ${zhNames}不在表头中，${guess === undefined ? '也没有相近的列名' : `最接近的是“${guess}”`}`,
      en: `${place}: ${enNames} ${names.length === 1 ? 'is' : 'are'} not in the header${guess === undefined ? ', nor anything like it' : `; the closest is "${guess}"`}`,
    };
  });
  return issues.sort((a, b) => a.line - b.line).map(({ field, zh, en }) => ({ field, zh, en }));
}

/**
 * Why a table read with a mapping has no header, when the mapping is the reason: the row most like a header
 * (the most mapped names found, then the most with a close column) and each mapped name it lacks. Undefined when
 * no row comes close or it has every mapped name (then the mapping lacks a column, not a spelling).
 */
export function mappedHeaderError(
  preset: Preset,
  rows: readonly (readonly string[])[],
  mapping: MappingSource,
): { zh: string; en: string } | undefined {
  if (preset.header === 'none' || preset.delimiter === 'fixed') return undefined;
  let best: { row: number; cells: readonly string[]; found: number; close: number } | undefined;
  for (const [i, cells] of rows.entries()) {
    const row = i + 1;
    if (typeof preset.header === 'number' && row !== preset.header) continue;
    const first = cells[0]?.trimStart() ?? '';
    if (preset.skipLinesStartingWith.some((p) => first.startsWith(p))) continue;
    const found = resolveColumns(
      preset,
      cells.map((c) => normaliseHeader(c).key),
    );
    let close = 0;
    for (const field of PRESET_FIELDS) {
      const names = mappedNames(preset, field);
      if (names.length > 0 && !found.has(field) && closestHeader(names, cells) !== undefined) close++;
    }
    if (found.size + close === 0) continue;
    if (best === undefined || found.size > best.found || (found.size === best.found && close > best.close))
      best = { row, cells, found: found.size, close };
  }
  if (best === undefined) return undefined;
  const { cells, row } = best;
  // As the reader would take this row for the header: column numbers included.
  const columns = resolveColumns(
    preset,
    cells.map((c) => normaliseHeader(c).key),
    'all',
  );
  const issues = missingMappedColumns(preset, cells, (f) => columns.get(f) ?? -1, mapping);
  if (issues.length === 0) return undefined;
  const shown = cells
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .slice(0, 12);
  return {
    zh: `映射文件所写的列名不在表头中（最像表头的是第 ${row} 行：${shown.join(' | ')}）：\n${issues.map((i) => `  ${i.zh}`).join('\n')}`,
    en: `the mapping names columns the header does not have (the row most like a header is row ${row}: ${shown.join(' | ')}):\n${issues.map((i) => `  ${i.en}`).join('\n')}`,
  };
}

/**
 * The mapped fields a table read with a mapping found no column for, though its header was found (an optional
 * column misspelt: 附注 for 附言), each a warning naming the mapping's line, the field and the closest column.
 */
export function unmappedColumns(
  preset: Preset,
  header: readonly string[],
  columnIndex: (field: PresetField) => number,
  mapping: MappingSource,
): MappedColumnIssue[] {
  if (preset.header === 'none' || preset.delimiter === 'fixed' || header.length === 0) return [];
  return missingMappedColumns(preset, header, columnIndex, mapping).map((i) => ({
    field: i.field,
    zh: `${i.zh}；${i.field} 没有读入`,
    en: `${i.en}; ${i.field} was not read`,
  }));
}
