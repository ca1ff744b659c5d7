/**
 * The privacy notice and terms of use the Teams manifest links to (`privacyUrl`, `termsOfUseUrl`),
 * as small static HTML pages for the council's staff. Plain text, no scripts and nothing read
 * from the database, so they answer even when the database is down.
 */

export interface Pages {
  readonly privacy: string;
  readonly terms: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string, other: { href: string; text: string }): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:42rem;margin:0 auto;padding:1rem 1.25rem;color:#111;background:#fff}a{color:#1f5c99}</style>
</head>
<body>
<main>
${body}
</main>
<footer><p><a href="${other.href}">${other.text}</a></p></footer>
</body>
</html>
`;
}

/** Both pages, with the name Teams shows for the bot (escaped here). */
export function legalPages(displayName = 'Resolve'): Pages {
  const name = escapeHtml(displayName);
  const privacy = page(
    `${name}: privacy notice`,
    `<h1>${name}: privacy notice</h1>
<p>${name} is a Microsoft Teams app that your council runs for its children's services staff, to raise and follow practice alerts, disputes and good-practice notifications through the local escalation procedure.</p>
<h2>What ${name} stores</h2>
<ul>
<li>Case references, and the child's or carer's initials (never a full name).</li>
<li>The text officers type when they raise a case or respond to one.</li>
<li>The decisions taken at each stage, and the deadlines that follow from them.</li>
<li>Who acted and when. People are recorded by the id of their work account; their names are looked up from the council's directory when shown.</li>
<li>What it needs to reach people: the address of each person's chat with the bot, and messages waiting to be sent.</li>
</ul>
<p>Every change to a case is added to an audit trail. Entries are never edited, and each is chained to the one before by a hash, so a change or a gap can be detected.</p>
<p>No child's name appears in chat notifications, in email subjects or in the service's logs. They carry the case reference only, and the logs hold ids, never names or the text officers type.</p>
<h2>Who can see it</h2>
<p>The details of a case are shown only inside ${name}, to people with a role on that case: the officer who raised it, the managers it is addressed to, and the people copied in. The council's staff who run the service can reach its database, under the council's own access controls.</p>
<h2>Where it is kept</h2>
<p>In the council's own database. Chat messages and email go through the council's Microsoft 365 tenant (Microsoft Teams and Exchange Online) and Azure Bot Service.</p>
<h2>How long it is kept</h2>
<p>As long as the council's record-keeping policy says. ${name} is not the case record: the council's case record (LCS, Mosaic or Eclipse) stays the accurate record, and a case can be exported from ${name} as plain case-note text to add to it.</p>
<h2>Who is responsible</h2>
<p>The council that runs ${name} is the data controller for the information in it. To ask about your information, or to see it, contact the council's data protection officer.</p>`,
    { href: 'terms', text: 'Terms of use' },
  );
  const terms = page(
    `${name}: terms of use`,
    `<h1>${name}: terms of use</h1>
<p>${name} is provided by your council to its staff, for their work: raising and responding to practice alerts, disputes and good-practice notifications.</p>
<ul>
<li>Use it as you would any of the council's work systems, under the council's policies on information security, acceptable use and data protection.</li>
<li>Give a child's or carer's initials, never their name, and keep case details inside ${name}.</li>
<li>${name} tracks the deadlines of the local procedure and reminds people of them. It does not replace professional judgement or the council's procedures, and the council's case record (LCS, Mosaic or Eclipse) stays the accurate record.</li>
<li>Questions about the service go to the council team that runs it.</li>
</ul>
<p>How ${name} handles information is set out in the <a href="privacy">privacy notice</a>.</p>`,
    { href: 'privacy', text: 'Privacy notice' },
  );
  return Object.freeze({ privacy, terms });
}
