-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "failureReason" TEXT;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "clientMetroId" TEXT,
ADD COLUMN     "replicaId" TEXT;

