/**
 * Who hears about what: each member chooses the e-mails they want in an account,
 * and owners and admins choose which of a bot's events are e-mailed at all. A
 * member who never chose gets the default of their role.
 */
import { audit, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { EMAIL_EVENTS, type EmailEvent } from './events.ts';
import type { BotNotificationPrefs, EmailChoices, MemberNotificationPrefs } from './records.ts';
import type { Deps } from './ports.ts';
import { requireRole } from './roles.ts';
import type { Role, TenantContext } from './tenancy.ts';
import type { MyNotificationsView } from './views.ts';

const choices = (on: boolean): EmailChoices => Object.fromEntries(EMAIL_EVENTS.map((e) => [e, on])) as Record<EmailEvent, boolean>;

/** Owners and admins hear about requests and leads until they say otherwise; viewers opt in. The daily digest is off until chosen (absent). */
export const defaultMemberPrefs = (role: Role): MemberNotificationPrefs => ({ email: choices(role !== 'viewer') });

/** A bot e-mails every kind of event unless its owners turn one off. */
export const DEFAULT_BOT_PREFS: BotNotificationPrefs = { email: choices(true) };

/** A member's choices as stored, completed with the role's defaults for events added since. */
export const memberPrefsOf = (stored: MemberNotificationPrefs | null | undefined, role: Role): MemberNotificationPrefs => {
  const base = defaultMemberPrefs(role);
  return stored ? { ...stored, email: { ...base.email, ...stored.email } } : base;
};

export const botPrefsOf = (stored: BotNotificationPrefs | null | undefined): BotNotificationPrefs =>
  stored ? { ...stored, email: { ...DEFAULT_BOT_PREFS.email, ...stored.email } } : DEFAULT_BOT_PREFS;

type MemberDeps = Pick<Deps, 'notifications' | 'mailer'>;

const actingMember = (tenant: TenantContext): { userId: string; role: Role } => {
  requireRole(tenant, 'viewer');
  if (tenant.actor.kind !== 'user') throw new Error('unreachable: requireRole admits members only');
  return tenant.actor;
};

const emailStatus = (deps: Pick<Deps, 'mailer'>): MyNotificationsView['email'] =>
  (deps.mailer ? { enabled: true, from: deps.mailer.from } : { enabled: false });

export const getMyNotifications = async (deps: MemberDeps, tenant: TenantContext): Promise<MyNotificationsView> => {
  const me = actingMember(tenant);
  return { email: emailStatus(deps), preferences: memberPrefsOf(await deps.notifications.getMemberPrefs(tenant, me.userId), me.role) };
};

export const updateMyNotifications = async (
  deps: MemberDeps & Pick<Deps, 'audit' | 'clock'>,
  tenant: TenantContext,
  input: { email?: Partial<Record<EmailEvent, boolean>> | undefined; digest?: boolean | undefined },
  source: AuditSource,
): Promise<MyNotificationsView> => {
  const me = actingMember(tenant);
  const current = memberPrefsOf(await deps.notifications.getMemberPrefs(tenant, me.userId), me.role);
  const digest = input.digest ?? current.digest;
  const next: MemberNotificationPrefs = { email: { ...current.email, ...input.email }, ...(digest !== undefined ? { digest } : {}), updatedAt: deps.clock.now().toISOString() };
  await deps.notifications.putMemberPrefs(tenant, me.userId, next);
  await audit(deps, tenant, source, 'notifications.update', 'ok', {});
  return { email: emailStatus(deps), preferences: next };
};

export const getBotNotifications = async (deps: Pick<Deps, 'bots' | 'notifications'>, tenant: TenantContext, botId: string): Promise<{ preferences: BotNotificationPrefs }> => {
  requireRole(tenant, 'viewer');
  await getBot(deps, tenant, botId);
  return { preferences: botPrefsOf(await deps.notifications.getBotPrefs(tenant, botId)) };
};

export const updateBotNotifications = async (
  deps: Pick<Deps, 'bots' | 'notifications' | 'audit' | 'clock'>,
  tenant: TenantContext,
  botId: string,
  input: { email: Partial<Record<EmailEvent, boolean>> },
  source: AuditSource,
): Promise<{ preferences: BotNotificationPrefs }> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const current = botPrefsOf(await deps.notifications.getBotPrefs(tenant, botId));
  const next: BotNotificationPrefs = { email: { ...current.email, ...input.email }, updatedAt: deps.clock.now().toISOString() };
  await deps.notifications.putBotPrefs(tenant, botId, next);
  await audit(deps, tenant, source, 'bot.notifications.update', 'ok', { target: botId });
  return { preferences: next };
};
