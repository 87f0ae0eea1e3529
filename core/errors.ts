// The one base of the failures a caller can act on (a unit that does not exist, an input that is wrong, a save
// that lost a race, a unit the user may not see, a store that is down), each with a `kind` the API maps once
// (server/trpc/init.ts) to its status.
//
// Recognised by a brand, never by `instanceof`: Next bundles its route handlers apart from the custom server,
// so every module exists twice in the process and an error thrown by one copy of a class is not an instance
// of the other copy. `Symbol.for` gives both copies the same key.

export const DOMAIN_ERROR_KINDS = ['not_found', 'invalid', 'conflict', 'forbidden', 'unavailable'] as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

const BRAND = Symbol.for('yingxiao.domain-error');
const KINDS: ReadonlySet<string> = new Set(DOMAIN_ERROR_KINDS);

export abstract class DomainError extends Error {
  protected constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    // The brand (the instance's kind): what `isDomainError` checks, whichever copy of this module threw.
    Object.defineProperty(this, BRAND, { value: kind, enumerable: false });
  }
}

/** A domain error from any copy of this module (or one that carries the brand): by the brand, not `instanceof`. */
export function isDomainError(e: unknown): e is DomainError {
  if (typeof e !== 'object' || e === null) return false;
  const brand = (e as { [BRAND]?: unknown })[BRAND];
  return (
    typeof brand === 'string' &&
    KINDS.has(brand) &&
    (e as { kind?: unknown }).kind === brand &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/** Something named (a layout, a zone, a rule) does not exist. */
export class NotFoundError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('not_found', message, options);
  }
}

/** The request cannot be answered as asked; the caller has to change it. */
export class InvalidError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid', message, options);
  }
}

/** The request raced another change (a stale version); reload and retry. */
export class ConflictError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('conflict', message, options);
  }
}

/** The user may not see or do this. */
export class ForbiddenError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('forbidden', message, options);
  }
}

/** A store or service the request needs is down; try again later. */
export class UnavailableError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('unavailable', message, options);
  }
}
