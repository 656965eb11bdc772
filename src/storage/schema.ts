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
  warnings_json: string;
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
] as const satisfies readonly (keyof Database)[];
