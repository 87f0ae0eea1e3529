-- CreateEnum
CREATE TYPE "severity" AS ENUM ('red', 'orange', 'yellow', 'blue');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "scope_code" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule_versions" (
    "id" BIGSERIAL NOT NULL,
    "rule_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "spec" JSONB NOT NULL,
    "changed_by" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT,

    CONSTRAINT "alert_rule_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule_states" (
    "rule_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "severity" "severity",
    "breach_streak" INTEGER NOT NULL DEFAULT 0,
    "clear_streak" INTEGER NOT NULL DEFAULT 0,
    "last_value" DOUBLE PRECISION,
    "open_event_id" TEXT,
    "evaluated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rule_states_pkey" PRIMARY KEY ("rule_id","subject")
);

-- CreateTable
CREATE TABLE "alert_events" (
    "id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "rule_version" INTEGER NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "open_key" TEXT,
    "condition" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "org_name" TEXT NOT NULL,
    "severity" "severity" NOT NULL,
    "state" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "figures" JSONB NOT NULL,
    "drill" JSONB,
    "situation_id" TEXT,
    "fired_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "recovered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_rules_kind_idx" ON "alert_rules"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rule_versions_rule_id_version_key" ON "alert_rule_versions"("rule_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "alert_events_open_key_key" ON "alert_events"("open_key");

-- CreateIndex
CREATE INDEX "alert_events_state_fired_at_idx" ON "alert_events"("state", "fired_at");

-- CreateIndex
CREATE INDEX "alert_events_org_code_fired_at_idx" ON "alert_events"("org_code", "fired_at");

-- CreateIndex
CREATE INDEX "alert_events_rule_id_fired_at_idx" ON "alert_events"("rule_id", "fired_at");

-- CreateIndex
CREATE INDEX "alert_events_situation_id_idx" ON "alert_events"("situation_id");

-- AddForeignKey
ALTER TABLE "alert_rule_versions" ADD CONSTRAINT "alert_rule_versions_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_states" ADD CONSTRAINT "alert_rule_states_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
