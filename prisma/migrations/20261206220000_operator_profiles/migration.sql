-- Operator organisations made by the web sign-up before it created their profile: give each one
-- the profile a platform admin approves (unapproved). Running it again changes nothing.
INSERT INTO "OperatorProfile" ("organizationId", "legalName")
SELECT o."id", o."name"
FROM "Organization" o
WHERE 'OPERATOR' = ANY (o."kinds")
  AND NOT EXISTS (SELECT 1 FROM "OperatorProfile" p WHERE p."organizationId" = o."id");
