-- Call costs per (grain, bucket, service, provider, model, endpoint, dify_app): the cost ledger's
-- minute (kept 6 h), hour (32 days), day (400 days) and month (10 years) buckets. Days and months
-- are numbered in the sidecar's configured time zone: day = days since 1970-01-01, month =
-- (year - 1970) * 12 + month - 1. Amounts are USD.
CREATE TABLE cost_rollup (
  grain                  TEXT    NOT NULL, -- minute, hour, day, month
  bucket                 INTEGER NOT NULL,
  service                TEXT    NOT NULL,
  provider               TEXT    NOT NULL,
  model                  TEXT    NOT NULL,
  endpoint               TEXT    NOT NULL,
  dify_app               TEXT    NOT NULL,
  cost_usd               REAL    NOT NULL, -- reported price where Dify gave one, else the estimate
  estimated_usd          REAL    NOT NULL, -- price-table estimates
  reported_usd           REAL    NOT NULL, -- Dify-reported prices, in USD
  drift_over_usd         REAL    NOT NULL, -- sum of (reported - estimated) where positive
  drift_under_usd        REAL    NOT NULL, -- sum of (estimated - reported) where positive
  calls                  INTEGER NOT NULL,
  unpriced_calls         INTEGER NOT NULL,
  unpriced_no_price      INTEGER NOT NULL,
  unpriced_unknown_usage INTEGER NOT NULL,
  unpriced_no_rate       INTEGER NOT NULL,
  PRIMARY KEY (grain, bucket, service, provider, model, endpoint, dify_app)
) WITHOUT ROWID;
