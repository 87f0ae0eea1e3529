import { z } from 'zod';
import { previewRule } from '../../alerts/preview';
import { createRule, exportRules, getRule, importRules, listRules, setRuleEnabled, updateRule } from '../../alerts/rule-service';
import { ruleInput, ruleSpecSchema } from '../../alerts/spec';
import { adminProcedure, authedProcedure, router } from '../init';

// Inputs, named up front: a rule as saved, an edit with its reason, a preview, a JSON import.
const ruleIdInput = z.object({ id: z.string().min(1).max(40) });
const createInput = ruleInput.extend({ note: z.string().max(200).optional() });
const updateInput = ruleInput.extend({ id: z.string().min(1).max(40), note: z.string().max(200).optional() });
const enableInput = z.object({ id: z.string().min(1).max(40), enabled: z.boolean() });
const previewInput = z.object({ spec: ruleSpecSchema, days: z.number().int().min(1).max(30).default(30) });
const importInput = z.object({ rules: z.array(ruleInput).min(1).max(500) });

export const rulesRouter = router({
  /** Every rule with its kind, scope, version, sources and current state (firing with worst severity, clear, off). */
  list: authedProcedure.query(({ ctx }) => listRules(ctx.rt)),

  /** One rule with its version history (who changed what and when). */
  get: authedProcedure.input(ruleIdInput).query(({ ctx, input }) => getRule(ctx.rt, input.id)),

  /** "How often would this have fired over the last 30 days?" — before saving. */
  preview: authedProcedure.input(previewInput).query(({ ctx, input }) => previewRule(ctx.rt, input.spec, input.days, ctx.now())),

  create: adminProcedure.input(createInput).mutation(({ ctx, input }) => {
    const { note, ...rule } = input;
    return createRule(ctx.rt, rule, ctx.user.id, note);
  }),

  update: adminProcedure.input(updateInput).mutation(({ ctx, input }) => {
    const { id, note, ...rule } = input;
    return updateRule(ctx.rt, id, rule, ctx.user.id, note);
  }),

  setEnabled: adminProcedure.input(enableInput).mutation(({ ctx, input }) => setRuleEnabled(ctx.rt, input.id, input.enabled, ctx.user.id)),

  /** All rules as JSON (the shape `import` takes). */
  export: authedProcedure.query(({ ctx }) => exportRules(ctx.rt)),

  import: adminProcedure.input(importInput).mutation(({ ctx, input }) => importRules(ctx.rt, input.rules, ctx.user.id)),
});
