import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

type Out = inferRouterOutputs<AppRouter>['wall'];
/** wall.layout: the layout, its version, every zone's control state, the panel catalog's names, server time. */
export type WallLayoutView = Out['layout'];
export type ZoneControlState = WallLayoutView['controls'][string];
export type CatalogView = WallLayoutView['catalog'];
