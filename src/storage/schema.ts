import type { Generated, Insertable, Selectable } from 'kysely';

/** Membership roles: owner (full on own merchants), staff (read only), agent (many merchants, full). */
export const MEMBER_ROLES = ['owner', 'staff', 'agent'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  /** The account's kind; owners and agents may create merchants, staff may not. */
  role: MemberRole;
  password_changed_at: string;
  /** 1 when an invited user still has the password someone else chose. */
  must_change_password: number;
  created_at: string;
}

export interface MerchantsTable {
  id: Generated<number>;
  name: string;
  /** The business merchant number (商户号) that records carry as `merchantId`. */
  merchant_code: string | null;
  demo: number;
  /** 1 when the owner opted in to keeping uploaded statement files (issue 6); never with full card numbers. */
  keep_uploads: Generated<number>;
  created_at: string;
}

export interface MembershipsTable {
  user_id: number;
  merchant_id: number;
  role: MemberRole;
  created_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface PlansTable {
  id: Generated<number>;
  merchant_id: number;
  version: number;
  text: string;
  format: string;
  created_by: number | null;
  created_at: string;
}

export interface ImportsTable {
  id: Generated<number>;
  merchant_id: number;
  file_name: string;
  sha256: string;
  bytes: number;
  preset: string;
  encoding: string;
  kind: string;
  rows: number;
  /** The records this import stored for this merchant (an agent file splits across merchants). */
  stored: number;
  rejected_json: string;
  /**
   * The file's warnings: a JSON array, or for a file holding several merchants' lines
   * `{ uploaderOnly: true, rows, unassigned? }` (see importNotes); `unassigned` lists, on the import of the merchant
   * the file was uploaded to, the lines per merchant number the uploader has no shop for (see setAsideLines).
   */
  warnings_json: string;
  /**
   * A bank file's skipped debit lines as the days they span (JSON `{ first, last }[]`, see skippedDebitDatesOf);
   * null when it has none, for other kinds, and for imports stored before the column.
   */
  skipped_debit_dates_json: string | null;
  /** 1 for a statement file cut off mid-row (FileImportSummary.truncated): its last day is not covered; else 0. */
  truncated: Generated<number>;
  created_by: number | null;
  created_at: string;
}

export interface RecordsTable {
  id: Generated<number>;
  merchant_id: number;
  import_id: number | null;
  kind: string;
  type: string;
  status: string;
  time: string;
  completed_at: string | null;
  settle_date: string | null;
  merchant_code: string | null;
  terminal_id: string | null;
  ref_no: string | null;
  voucher_no: string | null;
  batch_no: string | null;
  order_no: string | null;
  provider_order_no: string | null;
  original_ref_no: string | null;
  original_voucher_no: string | null;
  original_order_no: string | null;
  channel: string;
  card: string;
  card_no: string | null;
  payer_id: string | null;
  amount_fen: number;
  discount_fen: number | null;
  fee_fen: number | null;
  settled_fen: number | null;
  rate: number | null;
  label: string | null;
  counterparty: string | null;
  source_file: string;
  source_row: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  merchant_id: number | null;
  action: string;
  details_json: string;
  address: string | null;
}

export interface CasesTable {
  id: Generated<number>;
  merchant_id: number;
  title: string;
  provider: string | null;
  state: string;
  amount_claimed_fen: number;
  amount_recovered_fen: number;
  finding_ids_json: string;
  created_by: number | null;
  created_at: string;
  /** The last change of any kind (state, note, attachment, amount): idle reminders count from here. */
  updated_at: string;
}

export interface CaseNotesTable {
  id: Generated<number>;
  case_id: number;
  merchant_id: number;
  user_id: number | null;
  at: string;
  text: string;
  /** Set when the note came with a state change. */
  from_state: string | null;
  to_state: string | null;
}

export interface CaseAttachmentsTable {
  id: Generated<number>;
  case_id: number;
  merchant_id: number;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  content_base64: string;
  created_by: number | null;
  created_at: string;
}

export interface DevicesTable {
  id: Generated<number>;
  merchant_id: number;
  terminal_id: string;
  sn: string | null;
  model: string | null;
  vendor: string | null;
  provider: string | null;
  /** [{from, firmware, app}] oldest first. */
  versions_json: string;
  /** {iccid, plan, feeFen, every} or null. */
  sim_json: string | null;
  inspection_interval_days: number;
  created_at: string;
  updated_at: string;
}

export interface DeviceInspectionsTable {
  id: Generated<number>;
  device_id: number;
  merchant_id: number;
  date: string;
  note: string | null;
  user_id: number | null;
  created_at: string;
}

export interface IdempotencyKeysTable {
  id: Generated<number>;
  merchant_id: number;
  key: string;
  request_hash: string;
  status_code: number;
  response_json: string;
  created_at: string;
}

export interface PushedRecordsTable {
  id: Generated<number>;
  record_id: number;
  merchant_id: number;
  /** Identifies the same record when a statement file brings it again (see src/monitor/natural-key.ts). */
  natural_key: string | null;
  /** The import that brought this record again (and so skipped its copy). */
  claimed_import_id: number | null;
}

export interface MonitorRulesTable {
  id: Generated<number>;
  merchant_id: number;
  text: string;
  updated_by: number | null;
  updated_at: string;
}

export interface MonitorRateStateTable {
  id: Generated<number>;
  merchant_id: number;
  group_key: string;
  lines_json: string;
  last_change_date: string | null;
}

export interface MonitorAlertsTable {
  id: Generated<number>;
  merchant_id: number;
  kind: string;
  severity: string;
  dedup_key: string;
  record_id: number | null;
  amount_fen: number | null;
  /** The alert's text in zh-CN. */
  message: string;
  /** The same text in English; null for alerts stored before alerts carried English (read the Chinese then). */
  message_en: string | null;
  details_json: string;
  created_at: string;
}

export interface AlertChannelsTable {
  id: Generated<number>;
  merchant_id: number;
  type: string;
  target: string;
  secret: string | null;
  created_by: number | null;
  created_at: string;
  removed_at: string | null;
}

export interface AlertDeliveriesTable {
  id: Generated<number>;
  merchant_id: number;
  alert_id: number | null;
  channel_id: number;
  kind: string;
  subject: string;
  text: string;
  payload_json: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

export interface AlertAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: string;
  ok: number;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface MonitorRunsTable {
  id: Generated<number>;
  name: string;
  day: string;
  at: string;
}

/** An uploaded statement file kept on the owner's opt-in: the file itself, or its masked copy. */
export interface KeptUploadsTable {
  id: Generated<number>;
  merchant_id: number;
  import_id: number;
  name: string;
  size: number;
  sha256: string;
  /** 1 when full card numbers were masked: `size`/`sha256` describe the kept copy, `original_*` the upload. */
  masked: number;
  original_size: number;
  original_sha256: string;
  content_base64: string;
  created_at: string;
}

/** Every table posguard keeps, as Kysely sees it. */
export interface Database {
  users: UsersTable;
  merchants: MerchantsTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  plans: PlansTable;
  imports: ImportsTable;
  records: RecordsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  pushed_records: PushedRecordsTable;
  monitor_rules: MonitorRulesTable;
  monitor_rate_state: MonitorRateStateTable;
  monitor_alerts: MonitorAlertsTable;
  alert_channels: AlertChannelsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_attempts: AlertAttemptsTable;
  monitor_runs: MonitorRunsTable;
  cases: CasesTable;
  case_notes: CaseNotesTable;
  case_attachments: CaseAttachmentsTable;
  devices: DevicesTable;
  device_inspections: DeviceInspectionsTable;
  kept_uploads: KeptUploadsTable;
}

export type UserRow = Selectable<UsersTable>;
export type MerchantRow = Selectable<MerchantsTable>;
export type RecordRow = Selectable<RecordsTable>;
export type NewRecordRow = Insertable<RecordsTable>;
export type ImportRow = Selectable<ImportsTable>;

/** Tables in an order where every row's references come before it (backup, restore). */
export const TABLE_ORDER = [
  'users',
  'merchants',
  'memberships',
  'sessions',
  'api_tokens',
  'plans',
  'imports',
  'records',
  'audit_log',
  'idempotency_keys',
  'pushed_records',
  'monitor_rules',
  'monitor_rate_state',
  'monitor_alerts',
  'alert_channels',
  'alert_deliveries',
  'alert_attempts',
  'monitor_runs',
  'cases',
  'case_notes',
  'case_attachments',
  'devices',
  'device_inspections',
  'kept_uploads',
] as const satisfies readonly (keyof Database)[];
