-- AlterTable
ALTER TABLE "alert_events" ADD COLUMN     "acknowledged_at" TIMESTAMPTZ(3),
ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "escalation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "group_key" TEXT,
ADD COLUMN     "owner" TEXT,
ADD COLUMN     "phase" TEXT NOT NULL DEFAULT 'raised',
ADD COLUMN     "policy_id" TEXT,
ADD COLUMN     "suppressed" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "mobile" TEXT;

-- CreateTable
CREATE TABLE "duty_transitions" (
    "id" BIGSERIAL NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "from_phase" TEXT,
    "to_phase" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "duty_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_outbox" (
    "id" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routing_policies" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "match" JSONB NOT NULL,
    "steps" JSONB NOT NULL,
    "wall_banner" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "routing_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notify_channels" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notify_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notify_groups" (
    "id" TEXT NOT NULL,
    "group_key" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "pending" TEXT[],
    "open" TEXT[],
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "flush_at" TIMESTAMPTZ(3),
    "last_sent_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notify_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "group_id" TEXT,
    "event_ids" TEXT[],
    "policy_id" TEXT,
    "step" INTEGER NOT NULL DEFAULT 0,
    "recipient" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "fallback" TEXT[],
    "severity" "severity" NOT NULL,
    "title" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "claimed_by" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "receipt" TEXT,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_attempts" (
    "id" BIGSERIAL NOT NULL,
    "notification_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "ms" INTEGER NOT NULL,

    CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "silences" (
    "id" TEXT NOT NULL,
    "match" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "duty_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "duty_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "duty_shifts" (
    "id" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "duty_role" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'shift',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "swapped_from" TEXT,
    "note" TEXT,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "duty_shifts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "handovers" (
    "id" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "outgoing" TEXT NOT NULL,
    "incoming" TEXT,
    "shift_ends_at" TIMESTAMPTZ(3) NOT NULL,
    "summary" JSONB NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "submitted_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "handovers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_log" (
    "id" BIGSERIAL NOT NULL,
    "org_code" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "origin" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "ref_type" TEXT,
    "ref_id" TEXT,

    CONSTRAINT "run_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supervisions" (
    "id" TEXT NOT NULL,
    "event_id" TEXT,
    "subject_type" TEXT NOT NULL,
    "subject_ref" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "external_id" TEXT,
    "reply" TEXT,
    "replied_at" TIMESTAMPTZ(3),
    "write_error" TEXT,
    "escalations" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "supervisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "duty_transitions_subject_type_subject_id_at_idx" ON "duty_transitions"("subject_type", "subject_id", "at");

-- CreateIndex
CREATE INDEX "alert_outbox_done_at_id_idx" ON "alert_outbox"("done_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "notify_groups_group_key_key" ON "notify_groups"("group_key");

-- CreateIndex
CREATE INDEX "notify_groups_flush_at_idx" ON "notify_groups"("flush_at");

-- CreateIndex
CREATE INDEX "notifications_status_due_at_idx" ON "notifications"("status", "due_at");

-- CreateIndex
CREATE INDEX "notifications_channel_id_created_at_idx" ON "notifications"("channel_id", "created_at");

-- CreateIndex
CREATE INDEX "notification_attempts_notification_id_idx" ON "notification_attempts"("notification_id");

-- CreateIndex
CREATE INDEX "notification_attempts_channel_id_at_idx" ON "notification_attempts"("channel_id", "at");

-- CreateIndex
CREATE INDEX "silences_ends_at_idx" ON "silences"("ends_at");

-- CreateIndex
CREATE INDEX "duty_shifts_org_code_starts_at_idx" ON "duty_shifts"("org_code", "starts_at");

-- CreateIndex
CREATE INDEX "duty_shifts_username_starts_at_idx" ON "duty_shifts"("username", "starts_at");

-- CreateIndex
CREATE INDEX "handovers_org_code_created_at_idx" ON "handovers"("org_code", "created_at");

-- CreateIndex
CREATE INDEX "run_log_org_code_at_idx" ON "run_log"("org_code", "at");

-- CreateIndex
CREATE INDEX "run_log_at_idx" ON "run_log"("at");

-- CreateIndex
CREATE UNIQUE INDEX "supervisions_external_id_key" ON "supervisions"("external_id");

-- CreateIndex
CREATE INDEX "supervisions_status_due_at_idx" ON "supervisions"("status", "due_at");

-- CreateIndex
CREATE INDEX "supervisions_event_id_idx" ON "supervisions"("event_id");

-- CreateIndex
CREATE INDEX "supervisions_subject_type_subject_ref_idx" ON "supervisions"("subject_type", "subject_ref");

-- CreateIndex
CREATE INDEX "alert_events_phase_fired_at_idx" ON "alert_events"("phase", "fired_at");

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
