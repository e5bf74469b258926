/**
 * The composition root: adapters chosen once per cold start from configuration
 * (endpoint overrides locally, the defaults on AWS). Handlers ask for `getDeps()`
 * and never ask where they run.
 */
import type { DocumentParser, Deps, SignInDirectory, SiteCrawler } from '../core/ports.ts';
import { readConfig, type Config } from './config.ts';
import { createContentCipher } from './crypto/content-cipher.ts';
import { createKeyrings } from './crypto/keyrings.ts';
import { createSecretBox } from './crypto/secret-box.ts';
import { createAccountRepository } from './dynamo/account-repo.ts';
import { createBotRepository } from './dynamo/bot-repo.ts';
import { createChunkRepository } from './dynamo/chunk-repo.ts';
import { createDocumentRepository } from './dynamo/document-repo.ts';
import { createIndexRepository } from './dynamo/index-repo.ts';
import { createSegmentObjects } from './s3/segment-objects.ts';
import { createAuditRepository } from './dynamo/audit-repo.ts';
import { createKeyVaultRepository } from './dynamo/key-vault-repo.ts';
import { createProviderProbe } from './models/provider-probe.ts';
import { createGuardedFetch, LOCAL_ADDRESS_HINT, type GuardedFetch } from './net/guarded-fetch.ts';
import { createIngestTrigger } from './sqs/ingest-trigger.ts';
import { createEventQueue } from './sqs/event-queue.ts';
import { createOutboxCopies } from './mail/outbox-copies.ts';
import { createSesMailer } from './mail/ses-mailer.ts';
import { createNotificationRepository } from './dynamo/notification-repo.ts';
import { createWebhookRepository } from './dynamo/webhook-repo.ts';
import { createWebhookSender } from './net/webhook-sender.ts';
import { WEBHOOK_TIMEOUT_MS } from '../core/limits.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { withTelemetry } from './telemetry.ts';
import { createChatModels } from './models/chat-models.ts';
import { createVisitorTokens } from './crypto/visitor-tokens.ts';
import { createConversationRepository } from './dynamo/conversation-repo.ts';
import { createContactRepository } from './dynamo/contact-repo.ts';
import { createMeter } from './dynamo/meter-repo.ts';
import { createExportRepository } from './dynamo/export-repo.ts';
import { createSweeper } from './dynamo/sweeper-repo.ts';
import { createRetentionControl } from './dynamo/retention-repo.ts';
import { isEmbeddingModel } from '../core/bedrock-models.ts';
import { createBedrockEmbedder } from './models/bedrock-embedder.ts';
import { createBedrockRuntime } from './models/bedrock-runtime.ts';
import { createLocalEmbedder } from './models/local-embedder.ts';
import { createOpenAiEmbedder } from './models/openai-embedder.ts';
import { createObjectStore } from './s3/object-store.ts';
import { createPlatformKeys } from './secrets/platform-keys.ts';
import { createResidencyPolicy } from '../core/residency.ts';
import { createAwsClients } from './aws/tenant-clients.ts';
import { createAdminAuthSettings, type AdminAuthSettingsSource } from './auth/admin-auth-settings.ts';
import { createCognitoDirectory } from './auth/cognito-directory.ts';

/**
 * Adapters only some functions need, given by the handler that needs them
 * (`provide()` at module load), so the others' bundles leave them out: the
 * document parsers (pdf.js alone is 1.6 MB) and the crawler are the ingest
 * function's. The local platform loads every handler, so every one is there.
 */
export interface Capabilities {
  readonly parser?: () => DocumentParser;
  readonly crawler?: (fetch: GuardedFetch, options: { delayMs?: number }) => SiteCrawler;
}
const provided: { -readonly [K in keyof Capabilities]: Capabilities[K] } = {};
export const provide = (capabilities: Capabilities): void => {
  Object.assign(provided, capabilities);
};

const missing = (what: string) => new Error(`${what} is not part of this function (a handler must provide() it)`);

/** Built on first use, from what a handler provided. */
const lazyParser = (): DocumentParser => {
  let parser: DocumentParser | undefined;
  return {
    parse: (...args) => {
      if (!provided.parser) throw missing('The document parser');
      parser ??= provided.parser();
      return parser.parse(...args);
    },
  };
};

const lazyCrawler = (fetch: GuardedFetch, options: { delayMs?: number }): SiteCrawler => {
  let crawler: SiteCrawler | undefined;
  return {
    crawl: (...args) => {
      if (!provided.crawler) throw missing('The website crawler');
      crawler ??= provided.crawler(fetch, options);
      return crawler.crawl(...args);
    },
  };
};

/** Invited people's sign-ins: in the admin sign-in's user pool, unless people sign themselves up (or no pool is configured). */
const signInDirectory = (config: Config, adminAuth: AdminAuthSettingsSource | undefined): SignInDirectory | null => {
  if (config.PARLEY_SELF_SIGN_UP || !adminAuth) return null;
  const endpoint = config.PARLEY_COGNITO_ENDPOINT;
  return createCognitoDirectory({
    userPoolId: async () => (await adminAuth.get()).userPoolId,
    clientConfig: { region: config.AWS_REGION, ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) },
  });
};

export const buildDeps = (config: Config, adminAuth?: AdminAuthSettingsSource): Deps => {
  const { tables: db, s3For, kmsCredentialsFor } = createAwsClients({
    region: config.AWS_REGION,
    dynamodbEndpoint: config.PARLEY_DYNAMODB_ENDPOINT,
    s3Endpoint: config.PARLEY_S3_ENDPOINT,
    tenantRoleArn: config.PARLEY_TENANT_ROLE_ARN,
    stsEndpoint: config.PARLEY_STS_ENDPOINT,
  });
  const keyrings = createKeyrings({
    stage: config.PARLEY_STAGE,
    localMasterKeyFile: config.PARLEY_LOCAL_MASTER_KEY_FILE,
    contentKmsKeyId: config.PARLEY_CONTENT_KMS_KEY_ID,
    secretsKmsKeyId: config.PARLEY_SECRETS_KMS_KEY_ID,
    kmsCredentialsFor,
  });
  const cipher = createContentCipher(db, config.PARLEY_KEYS_TABLE, keyrings);
  // Locally, a refused address says how to allow a host on this machine (a website source to try offline).
  const egress = { allowHosts: config.PARLEY_EGRESS_ALLOW_HOSTS, ...(config.PARLEY_STAGE === 'local' ? { addressHint: LOCAL_ADDRESS_HINT } : {}) };
  const clock = { now: () => new Date() };
  // Built only where the operator approved Bedrock models; the client itself loads on first use.
  const bedrock = config.PARLEY_BEDROCK_MODELS.length === 0 ? undefined : createBedrockRuntime({
    region: config.AWS_REGION,
    endpoint: config.PARLEY_BEDROCK_ENDPOINT,
    // An overridden endpoint is a fake on loopback: it needs a signature, not the operator's credentials.
    ...(config.PARLEY_BEDROCK_ENDPOINT ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const providerEndpoints = {
    openaiBaseUrl: config.PARLEY_OPENAI_BASE_URL,
    anthropicBaseUrl: config.PARLEY_ANTHROPIC_BASE_URL,
    guardedFetch: createGuardedFetch({ ...egress, requireHttps: config.PARLEY_STAGE === 'aws' }),
  };
  return {
    accounts: createAccountRepository(db, config.PARLEY_TABLE),
    signIns: signInDirectory(config, adminAuth),
    bots: createBotRepository(db, config.PARLEY_TABLE),
    documents: createDocumentRepository(db, config.PARLEY_TABLE),
    chunks: createChunkRepository(db, config.PARLEY_TABLE, cipher),
    index: createIndexRepository(db, config.PARLEY_TABLE, cipher, createSegmentObjects(s3For, config.PARLEY_BUCKET)),
    objects: createObjectStore(s3For, config.PARLEY_BUCKET),
    cipher,
    secrets: createSecretBox(keyrings),
    keys: createKeyVaultRepository(db, config.PARLEY_TABLE),
    probe: createProviderProbe(providerEndpoints),
    // Public websites may be plain http; no secret is ever sent to them.
    crawler: lazyCrawler(createGuardedFetch({ ...egress, requireHttps: false }), { delayMs: config.PARLEY_CRAWL_DELAY_MS }),
    platformKeys: createPlatformKeys({
      secretNames: config.PARLEY_PLATFORM_KEY_SECRETS,
      envKeys: { openai: config.PARLEY_PLATFORM_OPENAI_KEY, anthropic: config.PARLEY_PLATFORM_ANTHROPIC_KEY },
      clientConfig: { region: config.AWS_REGION, ...(config.PARLEY_SECRETS_MANAGER_ENDPOINT ? { endpoint: config.PARLEY_SECRETS_MANAGER_ENDPOINT } : {}) },
      logger: createLogger(config.PARLEY_LOG_LEVEL),
    }),
    residency: createResidencyPolicy({
      profile: config.PARLEY_RESIDENCY,
      allowedProviders: config.PARLEY_ALLOWED_PROVIDERS,
      region: config.AWS_REGION,
      egressAllowHosts: config.PARLEY_EGRESS_ALLOW_HOSTS,
      openaiBaseUrl: config.PARLEY_OPENAI_BASE_URL,
      bedrockModels: config.PARLEY_BEDROCK_MODELS,
    }),
    defaults: { conversationRetentionDays: config.PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS },
    audit: createAuditRepository(db, config.PARLEY_TABLE),
    ingestTrigger: createIngestTrigger({
      region: config.AWS_REGION,
      queueUrl: config.PARLEY_INGEST_QUEUE_URL,
      exportQueueUrl: config.PARLEY_EXPORT_QUEUE_URL,
      endpoint: config.PARLEY_SQS_ENDPOINT,
      bucket: config.PARLEY_BUCKET,
    }),
    parser: lazyParser(),
    embedders: {
      local: createLocalEmbedder(),
      openai: ({ apiKey, dimensions }) => createOpenAiEmbedder({ apiKey, dimensions, baseUrl: config.PARLEY_OPENAI_BASE_URL }),
      // Only where the operator approved a Bedrock embedding model; core checks the model asked for is one of them.
      ...(bedrock && config.PARLEY_BEDROCK_MODELS.some(isEmbeddingModel)
        ? { bedrock: (options: { model: string; dimensions: number; input?: 'document' | 'query' }) => createBedrockEmbedder({ open: bedrock, ...options }) }
        : {}),
    },
    // Answers stream for longer than a key check takes: owner endpoints get the function's whole time.
    chatModels: createChatModels(
      { ...providerEndpoints, guardedFetch: createGuardedFetch({ ...egress, requireHttps: config.PARLEY_STAGE === 'aws', timeoutMs: 120_000 }) },
      { idleTimeoutMs: config.PARLEY_PROVIDER_IDLE_TIMEOUT_MS, bedrock },
    ),
    conversations: createConversationRepository(db, config.PARLEY_TABLE, cipher),
    contacts: createContactRepository(db, config.PARLEY_TABLE, cipher),
    events: createEventQueue({ region: config.AWS_REGION, queueUrl: config.PARLEY_NOTIFY_QUEUE_URL, endpoint: config.PARLEY_SQS_ENDPOINT, logger: createLogger(config.PARLEY_LOG_LEVEL) }),
    mailer: config.PARLEY_SES_SENDER
      ? createSesMailer({ region: config.AWS_REGION, from: config.PARLEY_SES_SENDER, identityArn: config.PARLEY_SES_IDENTITY_ARN, endpoint: config.PARLEY_SES_ENDPOINT })
      : null,
    mailCopies: config.PARLEY_LOCAL_OUTBOX_URL ? createOutboxCopies(config.PARLEY_LOCAL_OUTBOX_URL) : null,
    notifications: createNotificationRepository(db, config.PARLEY_TABLE),
    webhooks: createWebhookRepository(db, config.PARLEY_TABLE),
    // Owners' endpoints: https on AWS, never a private address, no redirect followed.
    webhookSender: createWebhookSender(
      createGuardedFetch({ ...egress, requireHttps: config.PARLEY_STAGE === 'aws', maxRedirects: 0, timeoutMs: WEBHOOK_TIMEOUT_MS }),
      { slackEndpoint: config.PARLEY_SLACK_WEBHOOK_ENDPOINT },
    ),
    meter: createMeter(db, config.PARLEY_TABLE, clock),
    visitorTokens: createVisitorTokens(db, config.PARLEY_KEYS_TABLE, keyrings.platformSecrets),
    exports: createExportRepository(db, config.PARLEY_TABLE),
    sweeper: createSweeper(db, config.PARLEY_TABLE),
    retention: createRetentionControl(db, config.PARLEY_TABLE),
    clock,
    stage: config.PARLEY_STAGE,
    region: config.AWS_REGION,
  };
};

/**
 * The user pool and the panel's app client: from the SSM parameter when one is named (AWS),
 * else from the environment (local platform); undefined when neither is configured.
 */
export const adminAuthSettingsFrom = (config: Config, logger?: Logger): AdminAuthSettingsSource | undefined => {
  if (config.PARLEY_ADMIN_AUTH_PARAMETER) {
    return createAdminAuthSettings({
      parameterName: config.PARLEY_ADMIN_AUTH_PARAMETER,
      clientConfig: { region: config.AWS_REGION, ...(config.PARLEY_SSM_ENDPOINT ? { endpoint: config.PARLEY_SSM_ENDPOINT } : {}) },
      ...(logger ? { logger } : {}),
    });
  }
  if (config.PARLEY_USER_POOL_ID && config.PARLEY_ADMIN_CLIENT_ID) {
    return createAdminAuthSettings({ userPoolId: config.PARLEY_USER_POOL_ID, clientId: config.PARLEY_ADMIN_CLIENT_ID });
  }
  return undefined;
};

let cached: Runtime | undefined;

export interface Runtime {
  readonly deps: Deps;
  readonly logger: Logger;
  /** Proves a request came through CloudFront (see `http/client-address.ts`). */
  readonly edgeSecret: string | undefined;
  /** The user pool and the panel's app client (see `auth/admin-auth-settings.ts`); undefined where none is configured. */
  readonly adminAuth: AdminAuthSettingsSource | undefined;
  /** Streamed answers: heartbeat interval and deadline (see `core/limits.ts`). */
  readonly streaming: { readonly heartbeatMs: number; readonly maxAnswerMs: number };
  readonly stage: Config['PARLEY_STAGE'];
  /** The validated environment, for what only one function builds (the admin sign-in's checker). */
  readonly config: Config;
}

/** Deps and logger for this execution environment, built on first use. */
export const getRuntime = (): Runtime => {
  if (!cached) {
    const config = readConfig();
    const logger = createLogger(config.PARLEY_LOG_LEVEL);
    const adminAuth = adminAuthSettingsFrom(config, logger);
    cached = {
      deps: withTelemetry(buildDeps(config, adminAuth), logger),
      logger,
      edgeSecret: config.PARLEY_EDGE_SECRET,
      adminAuth,
      streaming: { heartbeatMs: config.PARLEY_SSE_HEARTBEAT_MS, maxAnswerMs: config.PARLEY_MAX_ANSWER_MS },
      stage: config.PARLEY_STAGE,
      config,
    };
  }
  return cached;
};
