import { PERMISSIONS, ROLE_LABELS, can } from '../../auth/roles';
import { router, signedInProcedure } from '../init';

export const authRouter = router({
  /** Who is asking: name, role, org node and what the role may do (the UI shows and hides by it). */
  me: signedInProcedure.query(async ({ ctx }) => {
    const u = ctx.user;
    const org = await ctx.rt.db.prisma.orgUnit.findUnique({ where: { code: u.orgCode }, select: { name: true, nameEn: true } });
    return {
      id: u.id,
      name: u.name,
      kind: u.kind ?? 'user',
      role: u.role,
      roleLabel: ROLE_LABELS[u.role],
      orgCode: u.orgCode,
      orgName: org?.name ?? u.orgCode,
      orgNameEn: org?.nameEn ?? null,
      layoutId: u.layoutId ?? null,
      zoneId: u.zoneId ?? null,
      permissions: PERMISSIONS.filter((p) => can(u.role, p)),
    };
  }),
});
