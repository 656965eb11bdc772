import { createContext, type ReactNode, useContext, useState } from 'react';
import { setApiLanguage } from './api.js';

export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'posguard.lang';

// zh-CN first; every string the dashboard shows has both languages here.
const TEXT = {
  brand: ['POS 跳点卫士', 'posguard'],
  switchLang: ['English', '中文'],
  login: ['登录', 'Log in'],
  logout: ['退出', 'Log out'],
  email: ['邮箱', 'Email'],
  password: ['密码', 'Password'],
  loginFailed: ['登录失败', 'Login failed'],
  colon: ['：', ': '],
  loading: ['加载中…', 'Loading…'],
  retry: ['重试', 'Retry'],
  error: ['出错了', 'Something went wrong'],
  passwordDue: [
    '您的密码已超过 90 天未修改（或为初始密码），请尽快修改。',
    'Your password is over 90 days old (or was given to you); please change it.',
  ],
  changeNow: ['去修改', 'Change it'],
  merchant: ['商户', 'Merchant'],
  noMerchants: ['还没有商户，请先新建一个。', 'No merchants yet; create one first.'],
  newMerchant: ['新建商户', 'New merchant'],
  merchantName: ['商户名称', 'Merchant name'],
  merchantNo: ['商户号（可选）', 'Merchant number (optional)'],
  create: ['创建', 'Create'],
  navOverview: ['总览', 'Overview'],
  navUpload: ['上传', 'Upload'],
  navFindings: ['问题明细', 'Findings'],
  navRates: ['费率变动', 'Rate changes'],
  navPlan: ['费率方案', 'Plan'],
  navPortfolio: ['代理商总览', 'Portfolio'],
  navAccount: ['账户', 'Account'],
  navAlerts: ['告警', 'Alerts'],
  navCompare: ['服务商比价', 'Compare'],
  navCases: ['维权案件', 'Cases'],
  navDevices: ['终端设备', 'Devices'],
  // The pack's report and findings come in the dashboard's language; the letter to send is always zh-CN (for the
  // provider and the regulator), with its English rendering beside it.
  evidencePack: ['下载证据包', 'Download evidence pack'],
  diagnoses: ['可能原因与处理建议', 'Likely causes and what to do'],
  evidenceLines: ['依据', 'Evidence'],
  steps: ['处理步骤', 'Steps'],
  // The dashboard's own way to do what the CLI's remedy steps name a command for (src/explain/remedies.ts).
  stepContactService: [
    '联系客服：点“下载证据包”，带上证据包（交易明细、核对报告和投诉信）联系收单机构客服，要求说明原因并退还多扣款项',
    'Contact customer service: download the evidence pack (the transactions, the report and a complaint letter) and send it to the provider; ask for an explanation and a refund',
  ],
  stepReconcile: [
    '定期对账：每天在“上传”页导入终端流水、结算单和银行入账，发现差异当天处理',
    'Reconcile regularly: upload the journal, the statements and the bank credits on the Upload page every day and act on a difference the same day',
  ],
  alerts: ['告警记录', 'Alerts'],
  noAlerts: ['还没有告警。', 'No alerts yet.'],
  alertNotFound: [
    '找不到这条告警（可能已随删除的导入一并删除）。',
    'This alert was not found (it may have gone with a deleted import).',
  ],
  channelRemoved: ['渠道已删除', 'channel removed'],
  deliveries: ['推送', 'Deliveries'],
  lastError: ['最后错误', 'Last error'],
  alertChannels: ['告警渠道', 'Alert channels'],
  noChannels: ['还没有告警渠道。', 'No alert channels yet.'],
  channelType: ['渠道类型', 'Channel type'],
  channelTarget: ['地址（URL 或邮箱）', 'Address (URL or email)'],
  channelSecret: ['签名密钥（可选）', 'Signing secret (optional)'],
  addChannel: ['添加渠道', 'Add channel'],
  channelLanguage: ['推送语言', 'Message language'],
  remove: ['删除', 'Remove'],
  compareTitle: [
    '按您的交易测算的一年费用（最便宜在前）',
    "A year's cost on your own sales (cheapest first)",
  ],
  noPlans: [
    '没有可比较的方案（需要先上传终端流水）。',
    'Nothing to compare (upload a terminal journal first).',
  ],
  yearlyTotal: ['年总费用', 'Yearly total'],
  simFees: ['流量卡费', 'SIM fees'],
  deposit: ['押金', 'Deposit'],
  unpricedCount: ['无法计价笔数', 'Unpriced transactions'],
  charges: ['服务费等收费', 'Service charges'],
  switchDate: ['切换日期（第一年起算）', 'Switch date (first year starts)'],
  switchDateDefault: ['默认：今天', 'default: today'],
  firstYearFrom: ['第一年起算日', 'First year from'],
  incomplete: ['不完整', 'incomplete'],
  uploadAlerts: [
    '条告警已触发（多收手续费或费率变动），见“告警”页',
    'alert(s) raised (fees overcharged or a rate change); see Alerts',
  ],
  incompleteUnpriced: [
    '笔交易该方案无法计价（未计入费用）',
    'sale(s) this plan cannot price (left out of the cost)',
  ],
  incompleteDays: ['天没有有效费率（方案已到期）', 'day(s) without a rate in force (the offer has ended)'],
  jumpRecord: ['跳点记录', 'Fee-jump record'],
  yourProvider: ['您的收单机构', 'your provider'],
  notInCatalog: ['目录中无此服务商', 'not in the catalogue'],
  source: ['来源', 'Source'],
  cases: ['案件', 'Cases'],
  noCases: ['还没有案件。', 'No cases yet.'],
  openCase: ['新建案件', 'Open a case'],
  caseTitle: ['案件标题', 'Title'],
  provider: ['服务商', 'Provider'],
  claimed: ['索赔金额', 'Claimed'],
  recovered: ['已追回', 'Recovered'],
  idleBadge: ['已搁置', 'idle'],
  note: ['备注', 'Note'],
  addNote: ['添加备注', 'Add note'],
  moveTo: ['改为', 'Move to'],
  state: ['状态', 'State'],
  details: ['详情', 'Details'],
  state_open: ['待处理', 'open'],
  state_contacted: ['已联系服务商', 'contacted'],
  state_promised: ['已承诺退款', 'promised'],
  state_refunded: ['已退款', 'refunded'],
  state_rejected: ['被拒绝', 'rejected'],
  state_closed: ['已结案', 'closed'],
  devices: ['终端设备', 'Devices'],
  noDevices: [
    '还没有登记终端。可在下方导入终端登记表（devices.yaml）。',
    'No terminals registered yet. Import a terminal register (devices.yaml) below.',
  ],
  importDevices: ['导入终端登记表（devices.yaml）', 'Import a terminal register (devices.yaml)'],
  devicesImported: ['已导入终端', 'Terminals imported'],
  model: ['型号', 'Model'],
  inspection: ['巡检', 'Inspection'],
  nextDue: ['下次巡检', 'Next due'],
  findingsCount: ['问题数', 'Findings'],
  unregistered: ['流水中出现但未登记的终端', 'Terminals in the records but not registered'],
  inspection_ok: ['正常', 'ok'],
  inspection_due: ['到期', 'due'],
  inspection_overdue: ['已逾期', 'overdue'],
  inspection_never: ['从未巡检', 'never inspected'],
  demo: ['演示数据', 'demo data'],
  lostThisMonth: ['本月损失', 'Lost this month'],
  lostToDate: ['累计损失', 'Lost to date'],
  overcharged: ['多收手续费', 'Fees overcharged'],
  findingsByKind: ['问题分类', 'Findings by kind'],
  noFindings: ['没有发现问题。', 'No findings.'],
  noMatch: ['没有匹配的问题。', 'No findings match.'],
  clearFilter: ['清除筛选', 'Clear the filter'],
  previousPage: ['上一页', 'Previous'],
  nextPage: ['下一页', 'Next'],
  pageOf: ['页，共', 'of'],
  pageWord: ['第', 'Page'],
  findingsUnit: ['条', 'findings'],
  noData: [
    '还没有导入数据，请先上传终端流水、结算单和费率方案。',
    'No data imported yet: upload a journal, a statement and a plan first.',
  ],
  goUpload: ['去上传', 'Upload files'],
  rateChart: ['实际费率走势（按通道/卡种）', 'Effective rate over time (per channel/card)'],
  noRates: ['没有可画的结算数据。', 'No settled sales to chart.'],
  planVsCharged: ['合同费率 vs 实际收取', 'Plan in force vs what was charged'],
  planInForce: ['现行费率方案', 'Plan in force'],
  noPlan: ['还没有费率方案。', 'No plan yet.'],
  charged: ['实收', 'Charged'],
  expected: ['应收', 'Expected'],
  difference: ['差额', 'Difference'],
  amount: ['金额', 'Amount'],
  effectiveRate: ['实际费率', 'Effective rate'],
  channelCard: ['通道/卡种', 'Channel/card'],
  fees: ['手续费', 'Fees'],
  records: ['记录', 'records'],
  dropHere: ['把文件拖到这里（可多选），或', 'Drop files here (several at once), or'],
  chooseFiles: ['选择文件', 'choose files'],
  uploadHint: [
    '支持终端流水、服务商结算单、银行到账明细（CSV/TXT/XLSX/ZIP）；.yaml/.yml 文件作为费率方案保存。',
    'Terminal journals, provider statements, bank credits (CSV/TXT/XLSX/ZIP); a .yaml/.yml file is saved as the plan.',
  ],
  kind: ['类型', 'Kind'],
  preset: ['格式', 'Preset'],
  auto: ['自动识别', 'detect'],
  encoding: ['编码', 'Encoding'],
  rows: ['行数', 'Rows'],
  rejected: ['拒收行', 'Rejected rows'],
  row: ['行', 'Row'],
  column: ['列', 'Column'],
  reason: ['原因', 'Reason'],
  duplicateFile: ['此文件已导入过，未重复添加。', 'This file was imported before; nothing added.'],
  alreadyStored: [
    '行与之前导入的文件完全相同（对账单下载时间重叠），已跳过，不会重复计算。',
    'line(s) were already imported from an earlier file (overlapping exports) and were skipped, not counted twice.',
  ],
  // Lines of an agent's file whose merchant number is another shop of the uploader: stored there, not here.
  linesOfOtherShops: [
    '行属于您的其他商户，已分别导入对应商户（见下方提示）。',
    'line(s) belong to your other shops and were imported to each of them (see the note below).',
  ],
  planSaved: ['费率方案已保存', 'Plan saved'],
  version: ['版本', 'version'],
  uploading: ['上传中', 'Uploading'],
  done: ['完成', 'Done'],
  failed: ['失败', 'Failed'],
  // An upload some (or all) of whose lines name a merchant number the uploader has no shop for: not stored.
  partlyImported: ['部分导入', 'Partly imported'],
  nothingImported: ['未导入', 'Not imported'],
  otherNumbersHead: [
    '以下行的商户号不是本商户「{name}」（商户号 {code}）的，未导入：',
    'These lines name a merchant number that is not this merchant\'s ("{name}", merchant number {code}) and were not imported:',
  ],
  otherNumbersHeadNoCode: [
    '本商户「{name}」未填写商户号，而文件含多个商户号，无法判断哪些行属于本商户，以下行未导入：',
    'This merchant ("{name}") has no merchant number and the file names several, so which lines are its own cannot be told; these lines were not imported:',
  ],
  otherNumbersLine: ['{n} 行属于商户号 {code}', '{n} line(s) belong to merchant number {code}'],
  createThatMerchant: ['新建该商户', 'Create that merchant'],
  otherNumbersAdvice: [
    '如这些行属于另一家店，请切换到该商户后上传此文件；还没有该商户的，请先新建商户并填写上面的商户号。',
    'If they belong to another shop, switch to that merchant and upload this file there; if it is not a merchant yet, create it first with the merchant number above.',
  ],
  nothingStoredHere: [
    '本商户没有导入任何记录：下方列表中这次导入的入库记录为 0，可以删除。',
    'Nothing was imported to this merchant: this import shows 0 records stored in the list below and can be deleted.',
  ],
  importNoteOtherNumbers: [
    '{n} 行属于其他商户号，未导入',
    '{n} line(s) of other merchant numbers not imported',
  ],
  importNoteNumbersHidden: [
    '这些商户号仅上传该文件的用户可见',
    "The merchant numbers are shown to the file's uploader only",
  ],
  search: ['搜索（单号、终端、说明）', 'Search (ref, terminal, text)'],
  allKinds: ['全部类型', 'All kinds'],
  exportCsv: ['导出 CSV', 'Export CSV'],
  htmlReport: ['HTML 报告', 'HTML report'],
  time: ['时间', 'Time'],
  refNo: ['参考号', 'Ref'],
  terminal: ['终端', 'Terminal'],
  loss: ['损失', 'Loss'],
  message: ['说明', 'Details'],
  back: ['返回', 'Back'],
  findingNotFound: ['找不到这条问题。', 'Finding not found.'],
  sourceRows: ['来源行', 'Source rows'],
  file: ['文件', 'File'],
  rule: ['适用规则', 'Rule'],
  planLine: ['方案第', 'plan line'],
  planLineSuffix: [' 行', ''],
  arithmetic: ['计算过程', 'Arithmetic'],
  basisInferred: ['（无方案，按历史费率推断）', '(no plan: inferred from history)'],
  noPlanInferred: [
    '没有费率方案，按收单机构此前实收的费率推断应收手续费；有签约费率时请在“费率方案”页填写，或上传 plan.yaml。',
    'No fee plan: the expected fees are inferred from what the provider charged before; if you have the contracted rates, enter them on the Plan page or upload plan.yaml.',
  ],
  sourceRecord: ['原始记录', 'Source record'],
  noRateChanges: ['没有发现费率变动。', 'No rate changes found.'],
  before: ['变动前', 'Before'],
  after: ['变动后', 'After'],
  rate: ['费率', 'Rate'],
  fixed: ['固定费', 'Fixed'],
  cap: ['封顶', 'Cap'],
  // RateChange.beforeCapUnknown / afterCapUnknown: no sale was large enough to show a cap on that side.
  capNotComparable: [
    '无法比较（没有一笔交易大到能看出封顶）',
    'not comparable (no sale large enough to show a cap)',
  ],
  inForce: ['执行期间', 'In force'],
  transactions: ['受影响笔数', 'Transactions affected'],
  inPlan: ['方案约定', 'In plan'],
  notice: ['提前通知', 'Notice honoured'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  unknown: ['未知', 'unknown'],
  band: ['金额段', 'Band'],
  allAmounts: ['全部金额', 'all amounts'],
  planEditor: ['费率方案（YAML）', 'Fee plan (YAML)'],
  valid: ['方案有效', 'Plan is valid'],
  checking: ['检查中…', 'Checking…'],
  save: ['保存', 'Save'],
  saved: ['已保存', 'Saved'],
  preview: ['试算：按此方案应收多少', 'Preview: what this plan would have charged'],
  previewSales: ['笔结算消费', 'settled sales'],
  plannedFee: ['按此方案应收', 'Under this plan'],
  chargedFee: ['实际收取', 'Actually charged'],
  unpriced: ['笔无法定价（方案未覆盖）', 'sales not priced (plan does not cover them)'],
  lossUnderPlan: ['按此方案核对的损失', 'Loss audited against this plan'],
  currentLoss: ['按现行方案的损失', 'Loss under the current plan'],
  portfolio: ['商户排行（按损失金额）', 'Merchants ranked by money lost'],
  recentJumps: ['近 30 天跳点', 'Jumps in the last 30 days'],
  findings: ['问题数', 'Findings'],
  open: ['打开', 'Open'],
  changePassword: ['修改密码', 'Change password'],
  currentPassword: ['当前密码', 'Current password'],
  newPassword: ['新密码', 'New password'],
  policy: [
    '密码策略：至少 10 个字符，包含小写、大写、数字、符号中的至少 3 类，且不能是邮箱；建议每 90 天修改一次。',
    'Policy: at least 10 characters with 3 of lowercase, uppercase, digits and symbols, not your email; change it every 90 days.',
  ],
  passwordChanged: ['密码已修改', 'Password changed'],
  lastChanged: ['上次修改', 'Last changed'],
  tokens: ['API 令牌', 'API tokens'],
  tokenName: ['令牌名称', 'Token name'],
  createToken: ['创建令牌', 'Create token'],
  tokenOnce: ['请立即复制，此令牌只显示这一次：', 'Copy it now; it is shown only once:'],
  revoke: ['吊销', 'Revoke'],
  revoked: ['已吊销', 'revoked'],
  lastUsed: ['最近使用', 'Last used'],
  never: ['从未', 'never'],
  noTokens: ['还没有令牌。', 'No tokens.'],
  users: ['用户与角色', 'Users and roles'],
  invite: ['邀请', 'Invite'],
  role: ['角色', 'Role'],
  roleOwner: ['店主（可写）', 'owner (read/write)'],
  roleStaff: ['店员（只读）', 'staff (read only)'],
  roleAgent: ['代理商（多商户）', 'agent (many merchants)'],
  merchants: ['商户', 'Merchants'],
  temporaryPassword: ['临时密码（只显示一次）：', 'Temporary password (shown once):'],
  noUsers: ['还没有其他用户。', 'No other users.'],
  created: ['创建于', 'Created'],
  staffReadOnly: ['只读账户不能上传。', 'Read-only accounts cannot upload.'],
  notFound: ['页面不存在', 'Page not found'],
  pending: ['待结算', 'pending'],
  warnings: ['提示', 'Warnings'],
  importsTitle: ['已导入的文件', 'Imported files'],
  noImports: ['还没有导入文件。', 'No files imported yet.'],
  storedRecords: ['入库记录', 'Records stored'],
  importedAt: ['导入时间', 'Imported'],
  deleteImport: ['删除导入', 'Delete import'],
  confirmDeleteImport: [
    '确定删除这次导入？它的记录和由这些记录触发的告警会一并删除，无法撤销；之后可以重新上传同一文件。',
    'Delete this import? Its records and the alerts they raised go with it, for good; the same file can be uploaded again afterwards.',
  ],
  recordUnit: ['条记录', 'record(s)'],
  skippedLines: ['行被跳过', 'line(s) skipped'],
  confirmDelete: ['确认删除', 'Delete'],
  cancel: ['取消', 'Cancel'],
  importDeleted: ['已删除导入', 'Deleted import'],
  removedRecords: ['条记录已删除', 'record(s) removed'],
  removedAlerts: ['条告警已删除', 'alert(s) removed'],
  keptPushed: ['条记录也由接口推送过，已保留', 'record(s) also pushed through the API were kept'],
  laterOverlaps: [
    '以下之后导入的文件上传时跳过了已存在的重复行；若这些行来自刚删除的文件，它们已随之删除。删除这些导入后重新上传其文件即可找回：',
    'These later imports skipped lines already stored; those that came from the deleted file are gone with it. Delete them and upload their files again to bring the lines back:',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof TEXT;

/** Finding kinds in both languages (the closed set of src/audit/report-types.ts). */
export const KIND_NAMES: Record<string, readonly [string, string]> = {
  fee_overcharge: ['手续费多收', 'Fee overcharged'],
  fee_undercharge: ['手续费少收', 'Fee undercharged'],
  amount_mismatch: ['金额不符', 'Amount mismatch'],
  missing_settlement: ['漏结算', 'Missing settlement'],
  unexpected_settlement: ['无对应交易的结算', 'Unexpected settlement'],
  duplicate_settlement: ['重复结算', 'Duplicate settlement'],
  void_settled: ['已撤销仍结算', 'Voided but settled'],
  refund_fee_mismatch: ['退款手续费不符', 'Refund fee mismatch'],
  suspected_duplicate_charge: ['疑似重复扣款', 'Suspected duplicate charge'],
  unplanned_deduction: ['方案外扣费', 'Unplanned deduction'],
  late_settlement: ['结算延迟', 'Late settlement'],
  payout_mismatch: ['到账不符', 'Payout mismatch'],
  no_rule: ['方案无对应规则', 'No plan rule'],
};

/** Monitor alert kinds (src/monitor/alert-kinds.ts); an alert's message comes from the API in both languages. */
export const ALERT_KIND_NAMES: Record<string, readonly [string, string]> = {
  large_amount: ['大额交易', 'Large amount'],
  high_frequency: ['高频交易', 'High frequency'],
  off_hours: ['非营业时间交易', 'Outside business hours'],
  split_sales: ['疑似拆单', 'Suspected split sale'],
  over_limit: ['超过限额', 'Over the limit'],
  duplicate_submission: ['重复提交', 'Duplicate submission'],
  fee_overcharge: ['手续费多扣', 'Fee overcharged'],
  rate_change: ['费率变化（疑似跳点）', 'Rate change (suspected fee jump)'],
  missing_statement: ['结算单未到', 'Statement missing'],
  unplanned_deduction: ['方案外扣费', 'Unplanned deduction'],
};

export const SEVERITY_NAMES: Record<string, readonly [string, string]> = {
  low: ['低', 'low'],
  medium: ['中', 'medium'],
  high: ['高', 'high'],
};

/** Alert channel types as the merchant knows the apps. */
export const CHANNEL_TYPE_NAMES: Record<string, readonly [string, string]> = {
  webhook: ['Webhook 接口', 'Webhook'],
  wecom: ['企业微信', 'WeCom'],
  dingtalk: ['钉钉', 'DingTalk'],
  feishu: ['飞书', 'Feishu'],
  email: ['邮件', 'Email'],
};

/** The languages a channel's messages are sent in (alert channels' `language`). */
export const CHANNEL_LANGUAGE_NAMES: Record<string, readonly [string, string]> = {
  zh: ['中文', 'Chinese'],
  en: ['英文', 'English'],
  both: ['中英双语（先中文后英文）', 'Chinese and English (Chinese first)'],
};

export const DELIVERY_STATUS_NAMES: Record<string, readonly [string, string]> = {
  pending: ['待推送', 'pending'],
  sent: ['已推送', 'sent'],
  failed: ['推送失败', 'delivery failed'],
  cancelled: ['已取消', 'cancelled'],
};

/** The built-in statement formats (presets/*.yaml) by what they read; a custom preset shows its own name. */
export const PRESET_NAMES: Record<string, readonly [string, string]> = {
  generic: ['通用格式（按列名识别）', 'Generic (columns by name)'],
  'bank-generic': ['银行账户交易明细', 'Bank account statement'],
  wechat: ['微信支付交易账单', 'WeChat Pay trade bill'],
  alipay: ['支付宝业务明细', 'Alipay business bill'],
  leshua: ['乐刷交易对账单', 'Leshua trade file'],
  'leshua-payout': ['乐刷打款单', 'Leshua payouts'],
  'unionpay-zm': ['银联 ZM 商户明细', 'UnionPay ZM merchant file'],
  lcsw: ['利楚/扫呗对账单', 'lcsw (Saobei) statement'],
};

/** Record types (src/records/vocabulary.ts). */
export const RECORD_TYPE_NAMES: Record<string, readonly [string, string]> = {
  sale: ['消费', 'sale'],
  void: ['撤销', 'void'],
  reversal: ['冲正', 'reversal'],
  refund: ['退货', 'refund'],
  'preauth-complete': ['预授权完成', 'pre-auth completion'],
  deduction: ['扣费', 'deduction'],
  payout: ['结算划款', 'payout'],
};

const CHANNEL_NAMES: Record<string, readonly [string, string]> = {
  card: ['刷卡', 'card'],
  nfc: ['闪付', 'NFC'],
  'unionpay-qr': ['银联二维码', 'UnionPay QR'],
  wechat: ['微信', 'WeChat'],
  alipay: ['支付宝', 'Alipay'],
  ecny: ['数字人民币', 'e-CNY'],
  other: ['其他', 'other'],
  unknown: ['未知', 'unknown'],
  debit: ['借记卡', 'debit'],
  credit: ['贷记卡', 'credit'],
  prepaid: ['预付卡', 'prepaid'],
};

interface I18n {
  lang: Lang;
  t: (key: TextKey) => string;
  kindName: (kind: string) => string;
  word: (value: string) => string;
  /** A code's name in the current language from one of the tables above; the code itself when it has none. */
  named: (names: Record<string, readonly [string, string]>, code: string) => string;
  setLang: (lang: Lang) => void;
}

const Context = createContext<I18n | null>(null);

/** The page's language for the browser and for the server's messages (which follow the dashboard's choice). */
function applyLang(lang: Lang): Lang {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  setApiLanguage(lang);
  return lang;
}

function initialLang(): Lang {
  try {
    return applyLang(localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh');
  } catch {
    return applyLang('zh');
  }
}

/** Provides the language (zh-CN unless the user switched; the choice persists in localStorage). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i = lang === 'en' ? 1 : 0;
  const value: I18n = {
    lang,
    t: (key) => TEXT[key][i],
    kindName: (kind) => KIND_NAMES[kind]?.[i] ?? kind,
    word: (w) => CHANNEL_NAMES[w]?.[i] ?? w,
    named: (names, code) => names[code]?.[i] ?? code,
    setLang: (next) => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // private mode: the switch still works for this page
      }
      setLangState(applyLang(next));
    },
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The current language and its strings. */
export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}
