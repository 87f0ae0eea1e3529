-- CreateTable
CREATE TABLE "wall_layouts" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "wall_layouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wall_zone_controls" (
    "layout_id" TEXT NOT NULL,
    "zone_id" TEXT NOT NULL,
    "scene" TEXT,
    "pinned" TEXT,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "index" INTEGER NOT NULL DEFAULT 0,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "wall_zone_controls_pkey" PRIMARY KEY ("layout_id","zone_id")
);

-- AddForeignKey
ALTER TABLE "wall_zone_controls" ADD CONSTRAINT "wall_zone_controls_layout_id_fkey" FOREIGN KEY ("layout_id") REFERENCES "wall_layouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
