// Where a drill-down row leads: the detail page of the record it is (a work order, ticket, call, outage event,
// customer). Customer ids are personal data and come masked unless revealed; a masked row still reaches its
// customer through the bill it belongs to (`bill:<bill id>`), the page resolves and masks it the same way.

export type DrillRow = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The detail page of one drill-down row of a KPI family, or null when the row names no record. */
export function recordHref(familyId: string, row: DrillRow, maskedColumns: readonly string[] = []): string | null {
  const id = (name: string) => str(row[name]);
  const seg = encodeURIComponent;
  switch (familyId) {
    case 'work_order':
      return id('order_id') && `/work-orders/${seg(id('order_id')!)}`;
    case 'call':
      return id('call_id') && `/calls/${seg(id('call_id')!)}`;
    case 'queue':
      return id('ticket_id') && `/queue/tickets/${seg(id('ticket_id')!)}`;
    case 'outage':
      return id('outage_id') && `/outages/${seg(id('outage_id')!)}`;
    case 'bill':
    case 'payment':
    case 'dunning':
    case 'reconnection':
    case 'balance': {
      const customer = maskedColumns.includes('customer_id') ? null : id('customer_id');
      if (customer) return `/arrears/customers/${seg(customer)}`;
      const bill = id('bill_id');
      return bill ? `/arrears/customers/${seg(`bill:${bill}`)}` : null;
    }
    default:
      return null;
  }
}
