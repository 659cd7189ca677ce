-- Per-minute rollups, one row per series and minute. Counts are plain columns so that SQL (or a
-- later budget check) can sum them; the two histograms are LogHistogram.toBytes() blobs.
CREATE TABLE rollup (
  minute             INTEGER NOT NULL, -- minutes since 1970-01-01T00:00Z
  service            TEXT    NOT NULL,
  provider           TEXT    NOT NULL,
  model              TEXT    NOT NULL,
  endpoint           TEXT    NOT NULL,
  dify_app           TEXT    NOT NULL,
  operation          TEXT    NOT NULL,
  calls              INTEGER NOT NULL,
  errors             INTEGER NOT NULL,
  unmetered          INTEGER NOT NULL,
  retries            INTEGER NOT NULL,
  rate_limited       INTEGER NOT NULL,
  rejected           INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens   INTEGER NOT NULL,
  errors_by_type     TEXT    NOT NULL, -- JSON object: error.type -> count
  rejected_by        TEXT    NOT NULL, -- JSON object: limiter -> count
  latency            BLOB    NOT NULL,
  ttft               BLOB    NOT NULL,
  PRIMARY KEY (minute, service, provider, model, endpoint, dify_app, operation)
) WITHOUT ROWID;
