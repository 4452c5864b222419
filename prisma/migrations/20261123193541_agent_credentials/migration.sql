-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "agentSecretHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Node_agentSecretHash_key" ON "Node"("agentSecretHash");

