/**
 * Log lines the alarms read, written where the facts are recorded, so core
 * stays free of logging: `spend` for every metered answer and every metered
 * embedding of documents or a question (`kind: 'embedding'`; micro-dollars at list
 * price, by account and key class) and `export` for every export asked for.
 */
import type { ExportRepository, Meter } from '../core/ports.ts';
import type { Logger } from '../shared/logger.ts';

/** The ports telemetry wraps; the rest of the bag passes through unchanged. */
interface Telemetered {
  readonly meter: Pick<Meter, 'recordUsage' | 'recordEmbedding'>;
  readonly exports: Pick<ExportRepository, 'put'>;
}

/** The same ports, whose usage records and export requests also write their log lines. */
export const withTelemetry = <D extends Telemetered>(deps: D, logger: Logger): D => ({
  ...deps,
  meter: {
    ...deps.meter,
    recordUsage: async (tenant, botId, keyClass, usage) => {
      await deps.meter.recordUsage(tenant, botId, keyClass, usage);
      if (keyClass !== 'local') logger.info('spend', { accountId: tenant.accountId, botId, keyClass, costMicros: usage.costMicros });
    },
    recordEmbedding: async (tenant, botId, keyClass, usage) => {
      await deps.meter.recordEmbedding(tenant, botId, keyClass, usage);
      logger.info('spend', { accountId: tenant.accountId, botId, keyClass, kind: 'embedding', costMicros: usage.costMicros });
    },
  },
  exports: {
    ...deps.exports,
    put: async (tenant, record) => {
      await deps.exports.put(tenant, record);
      if (record.status === 'queued') logger.info('export', { accountId: tenant.accountId, exportId: record.exportId });
    },
  },
});
