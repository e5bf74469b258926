/**
 * The API's views, defined once in core (`lambdas/core/views.ts`, which core
 * functions build) and read from here by the contracts, the panel and the widget.
 */
export type * from '../core/views.ts';
