import { adminRouter } from './admin/admin-router';
import { apiKeyRouter } from './api-key/api-key-router';
import { developerRouters } from './developer-routers';
import { invitationRouter } from './invitation/invitation-router';
import { memberRouter } from './member/member-router';
import { operatorRouters } from './operator-routers';
import { orgRouter } from './org/org-router';
import { router } from './trpc';

export const appRouter = router({
  org: orgRouter,
  member: memberRouter,
  invitation: invitationRouter,
  apiKey: apiKeyRouter,
  admin: adminRouter,
  ...operatorRouters,
  ...developerRouters,
});

export type AppRouter = typeof appRouter;
