-- Staging for the bulk CSV path (etl/runtime/bulk-csv.ts): a dropped CSV's records land here as text, one
-- String column per file column in file order (c0…c31), numbered by record (n); validation and the move to the
-- fact and quarantine tables are set operations over one load. A load's partition is dropped after it; the TTL
-- clears what a crash left behind.
CREATE TABLE IF NOT EXISTS {{db}}.etl_stage_csv
(
    load_id String,
    n UInt32,
    c0 String,
    c1 String,
    c2 String,
    c3 String,
    c4 String,
    c5 String,
    c6 String,
    c7 String,
    c8 String,
    c9 String,
    c10 String,
    c11 String,
    c12 String,
    c13 String,
    c14 String,
    c15 String,
    c16 String,
    c17 String,
    c18 String,
    c19 String,
    c20 String,
    c21 String,
    c22 String,
    c23 String,
    c24 String,
    c25 String,
    c26 String,
    c27 String,
    c28 String,
    c29 String,
    c30 String,
    c31 String,
    staged_at DateTime DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY load_id
ORDER BY n
TTL staged_at + INTERVAL 1 DAY;
