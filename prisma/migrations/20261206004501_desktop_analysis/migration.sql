-- CreateTable
CREATE TABLE "export_jobs" (
    "id" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "rows" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "file_name" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "export_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_notes" (
    "id" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_ref" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "record_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "org_code" TEXT NOT NULL,
    "period_start" TEXT NOT NULL,
    "period_end" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "generated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "export_jobs_requested_by_created_at_idx" ON "export_jobs"("requested_by", "created_at");

-- CreateIndex
CREATE INDEX "export_jobs_status_created_at_idx" ON "export_jobs"("status", "created_at");

-- CreateIndex
CREATE INDEX "record_notes_subject_type_subject_ref_created_at_idx" ON "record_notes"("subject_type", "subject_ref", "created_at");

-- CreateIndex
CREATE INDEX "reports_org_code_kind_period_start_idx" ON "reports"("org_code", "kind", "period_start");

-- CreateIndex
CREATE UNIQUE INDEX "reports_kind_org_code_period_start_key" ON "reports"("kind", "org_code", "period_start");
