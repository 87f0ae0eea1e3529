-- The bulk CSV staging of single/0013 in memory: a load lives for seconds (staged, checked, moved, dropped),
-- so writing it to disk as MergeTree parts (one per file) cost more than parsing it. A crash or a restart
-- leaves nothing behind; what a failed drop leaves, the next drop clears (etl/runtime/bulk-csv.ts).
DROP TABLE IF EXISTS {{db}}.etl_stage_csv;

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
ENGINE = Memory;

-- A range of the hall queue's tickets read from its SQLite file (etl/sources/hall-queue/bulk.ts), as the
-- source types them, for the checks to read natively rather than through the sqlite() table function.
CREATE TABLE IF NOT EXISTS {{db}}.etl_stage_ticket
(
    load_id String,
    ticket_id Nullable(String),
    hall_id Nullable(String),
    ticket_no Nullable(String),
    biz_type Nullable(String),
    window_no Nullable(Int64),
    take_time Nullable(String),
    call_time Nullable(String),
    finish_time Nullable(String),
    state Nullable(Int64),
    evaluation Nullable(Int64),
    updated_at Nullable(String),
    staged_at DateTime DEFAULT now()
)
ENGINE = Memory;
