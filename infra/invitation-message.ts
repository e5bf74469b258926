/**
 * The e-mail Cognito sends someone an owner invited (or the operator named as
 * first owner): the user pool's invitation template on AWS, and what the fake
 * Cognito prints under `npm start`. Cognito fills in `{username}` and `{####}`
 * (the temporary password); both must appear in the template. The template is
 * the pool's, the same for every invitation, so it cannot carry an invitation's
 * own link: the owner is shown that link to send on (a Cognito custom-message
 * trigger, given the link through AdminCreateUser's ClientMetadata, could put it here).
 */
export const INVITATION_SUBJECT = 'You are invited to Parley';

/** The invitation's body (HTML, as Cognito sends it), naming the admin panel's address. */
export const invitationBody = (adminUrl: string): string =>
  `<p>You have been invited to a Parley account.</p>` +
  `<p>Sign in at <a href="${adminUrl}">${adminUrl}</a> with your e-mail address {username} and this temporary password: <b>{####}</b></p>` +
  `<p>You will choose your own password at your first sign-in. The temporary password expires in a few days; ` +
  `ask whoever invited you to send the invitation again if it has.</p>` +
  `<p>Signing in does not join you to anyone's account: you join by opening the invitation link that whoever invited you sends you. ` +
  `After signing in you will see who invited you to which account; join only invitations you expected.</p>`;

/** The template with Cognito's placeholders filled in, as plain text for a console. */
export const renderInvitation = (adminUrl: string, username: string, temporaryPassword: string): string =>
  invitationBody(adminUrl)
    .replace('{username}', username)
    .replace('{####}', temporaryPassword)
    .replace(/<\/p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .trim();
