-- Alert instances that are pending, firing or recently resolved, so a restart neither forgets a
-- firing alert nor notifies it again. Times are epoch milliseconds; NULL when not applicable.
CREATE TABLE alert_state (
  fingerprint   TEXT    PRIMARY KEY,
  rule          TEXT    NOT NULL,
  labels        TEXT    NOT NULL, -- JSON object
  annotations   TEXT    NOT NULL, -- JSON object, as last rendered
  state         TEXT    NOT NULL, -- pending, firing, resolved
  active_at     INTEGER,
  firing_since  INTEGER,
  resolved_at   INTEGER,
  last_notified INTEGER,
  clear_since   INTEGER,
  value         REAL
);

-- Every firing and resolution, newest last.
CREATE TABLE alert_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  time        INTEGER NOT NULL,
  fingerprint TEXT    NOT NULL,
  rule        TEXT    NOT NULL,
  severity    TEXT    NOT NULL,
  event       TEXT    NOT NULL, -- firing, resolved
  value       REAL,
  threshold   REAL,
  labels      TEXT    NOT NULL,
  annotations TEXT    NOT NULL
);
CREATE INDEX alert_history_time ON alert_history (time);
CREATE INDEX alert_history_rule ON alert_history (rule, time);
