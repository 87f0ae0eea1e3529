import { z } from 'zod';
import { previewRule } from '../../alerts/preview';
import { createRule, exportRules, getRule, importRules, listRules, setRuleEnabled, updateRule } from '../../alerts/rule-service';
import { ruleInput, ruleSpecSchema } from '../../alerts/spec';
import { audit } from '../../auth/audit';
import { OrgAccessError } from '../../auth/scope';
import { authedProcedure, router } from '../init';
import { idText } from '../input-guards';

// Inputs, named up front: a rule as saved, an edit with its reason, a preview, a JSON import.
const ruleId = idText(40);
const ruleIdInput = z.object({ id: ruleId });
const createInput = ruleInput.extend({ note: z.string().max(200).optional() });
const updateInput = ruleInput.extend({ id: ruleId, note: z.string().max(200).optional() });
const enableInput = z.object({ id: ruleId, enabled: z.boolean() });
const previewInput = z.object({ spec: ruleSpecSchema, days: z.number().int().min(1).max(30).default(30) });
const importInput = z.object({ rules: z.array(ruleInput).min(1).max(500) });

// Rules are scoped like everything else: a principal sees the rules that apply inside its org node (set on
// the node, below it, or above it) and writes only rules whose scope lies inside its node.

export const rulesRouter = router({
  /** Every rule that applies in the principal's scope, with its kind, scope, version, sources and state. */
  list: authedProcedure('rules.read').query(({ ctx }) => listRules(ctx.rt, ctx.scope.prismaApplies('scopeCode'))),

  /** One rule with its version history (who changed what and when). */
  get: authedProcedure('rules.read')
    .input(ruleIdInput)
    .query(async ({ ctx, input }) => {
      const rule = await getRule(ctx.rt, input.id);
      if (!ctx.scope.applies(rule.scopeCode)) throw new OrgAccessError(rule.scopeCode);
      return rule;
    }),

  /** "How often would this have fired over the last 30 days?" — before saving. */
  preview: authedProcedure('rules.read')
    .input(previewInput)
    .query(({ ctx, input }) => {
      ctx.scope.assert(input.spec.scope.orgCode);
      return previewRule(ctx.rt, input.spec, input.days, ctx.now());
    }),

  create: authedProcedure('rules.write')
    .input(createInput)
    .mutation(({ ctx, input }) => {
      const { note, ...rule } = input;
      ctx.scope.assert(rule.spec.scope.orgCode);
      return createRule(ctx.rt, rule, ctx.user.id, note);
    }),

  update: authedProcedure('rules.write')
    .input(updateInput)
    .mutation(async ({ ctx, input }) => {
      const { id, note, ...rule } = input;
      ctx.scope.assert((await getRule(ctx.rt, id)).scopeCode, rule.spec.scope.orgCode);
      return updateRule(ctx.rt, id, rule, ctx.user.id, note);
    }),

  setEnabled: authedProcedure('rules.write')
    .input(enableInput)
    .mutation(async ({ ctx, input }) => {
      ctx.scope.assert((await getRule(ctx.rt, input.id)).scopeCode);
      return setRuleEnabled(ctx.rt, input.id, input.enabled, ctx.user.id);
    }),

  /** The rules in scope as JSON (the shape `import` takes); audited as an export. */
  export: authedProcedure('export').query(async ({ ctx }) => {
    const rules = await exportRules(ctx.rt, ctx.scope.prismaApplies('scopeCode'));
    await audit(ctx.rt.db, { actor: ctx.user.id, action: 'export.rules', detail: { rules: rules.length, scope: ctx.scope.orgCode } });
    return rules;
  }),

  import: authedProcedure('rules.write')
    .input(importInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(...input.rules.map((r) => r.spec.scope.orgCode));
      return importRules(ctx.rt, input.rules, ctx.user.id);
    }),
});
