-- CreateTable
CREATE TABLE "kpi_parameters" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "kpi_parameters_pkey" PRIMARY KEY ("key")
);
