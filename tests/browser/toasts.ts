import type { Locator, Page } from 'playwright-core';

// Alert toasts arrive whenever a rule fires, which on a started app with live data is any moment, and they
// sit over the top right of every desktop page. A user closes them and clicks again; so does this. Clicks
// keep Playwright's actionability checks (never `force`), so a control really covered stays a failure.

async function closeToasts(page: Page): Promise<void> {
  const all = page.getByTestId('alert-toasts-close-all');
  if ((await all.count()) > 0) await all.click({ timeout: 2000 }).catch(() => undefined);
  const one = page.getByTestId('alert-toast-close');
  if ((await one.count()) > 0)
    await one
      .first()
      .click({ timeout: 2000 })
      .catch(() => undefined);
}

/**
 * Clicks `target`; when something covers it (a toast that arrived), closes the toasts and clicks again. The
 * first try closes nothing, so a menu the previous click opened is not closed by a click on a toast.
 */
export async function clickPastToasts(page: Page, target: Locator, tries = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await target.click({ timeout: 5000 });
      return;
    } catch (err) {
      if (i >= tries) throw err;
    }
    await closeToasts(page);
  }
}
