-- AlterTable
ALTER TABLE "alert_events" ADD COLUMN     "close_reason" TEXT;
