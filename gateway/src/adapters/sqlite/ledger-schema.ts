/** Ledger tables: sessions, payments, decisions, audit, exceptions, processed events, accounts and saved state. */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS processed_events (
  device_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  -- SHA-256 of the event's payload: the same id with another payload is a conflict, not a redelivery.
  digest TEXT,
  PRIMARY KEY (device_id, event_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  plate TEXT NOT NULL,
  read_plate TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  entry_at INTEGER,
  exit_at INTEGER,
  entry_gate TEXT,
  exit_gate TEXT,
  credential_kind TEXT NOT NULL,
  user_class TEXT NOT NULL,
  vehicle_class TEXT NOT NULL,
  energy TEXT NOT NULL,
  fuzzy INTEGER NOT NULL DEFAULT 0,
  no_entry_record INTEGER NOT NULL DEFAULT 0,
  manual_open INTEGER NOT NULL DEFAULT 0,
  visitor_until INTEGER,
  class_until INTEGER,
  fee_fen INTEGER,
  paid_fen INTEGER NOT NULL DEFAULT 0,
  breakdown TEXT,
  close_reason TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS sessions_one_open_per_plate ON sessions (site, plate) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS sessions_by_plate ON sessions (site, plate, entry_at);
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (site, entry_at);
CREATE INDEX IF NOT EXISTS sessions_by_exit ON sessions (site, exit_at);

CREATE TABLE IF NOT EXISTS payments (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  session_id TEXT REFERENCES sessions (id),
  plate TEXT,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  method TEXT NOT NULL,
  source TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_by_session ON payments (session_id);

CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  gate TEXT NOT NULL,
  lane TEXT NOT NULL,
  at INTEGER NOT NULL,
  plate TEXT,
  read_plate TEXT,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  session_id TEXT,
  credential_kind TEXT,
  fuzzy TEXT,
  display TEXT NOT NULL,
  event_ref TEXT
);
CREATE INDEX IF NOT EXISTS decisions_by_site_time ON decisions (site, at);
CREATE INDEX IF NOT EXISTS decisions_by_session ON decisions (session_id);

CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  site TEXT,
  target TEXT,
  reason TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_site_time ON audit_log (site, at);

CREATE TABLE IF NOT EXISTS exceptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  gate TEXT,
  lane TEXT,
  plate TEXT,
  read_plate TEXT,
  session_id TEXT,
  detail TEXT,
  status TEXT NOT NULL DEFAULT 'open',
  resolved_by TEXT,
  resolved_at INTEGER,
  note TEXT
);
CREATE INDEX IF NOT EXISTS exceptions_by_site_status ON exceptions (site, status, at);

-- A car held at an exit lane (fee due) until it pays, is let out by hand, or is read at an exit again. One hold per
-- session, never per lane: another car read at the same lane must not erase it, or the order in which reads and
-- payments reach the gateway (redelivery after a restart) would decide whether a paying car is let out.
CREATE TABLE IF NOT EXISTS held_exits (
  site TEXT NOT NULL,
  session_id TEXT NOT NULL,
  gate TEXT NOT NULL,
  lane TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (site, session_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS held_exits_by_lane ON held_exits (site, gate, lane, since);

CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  sites TEXT NOT NULL,
  display_name TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS auth_tokens (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS capacity_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  zone TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  capacity INTEGER NOT NULL CHECK (capacity >= 0),
  source TEXT NOT NULL CHECK (source IN ('config', 'closed', 'reopened')),
  note TEXT,
  actor TEXT
);
CREATE INDEX IF NOT EXISTS capacity_by_site ON capacity_versions (site, zone, from_at);

CREATE TABLE IF NOT EXISTS sync_marker (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS saved_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  saved_at INTEGER NOT NULL
);
`;
