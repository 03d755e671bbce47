extension Templates {
    /// Single sign-on: each SAML connection's values for Okta and Entra ID, its status, and adding one.
    static let singleSignOn = """
        {{>top}}
        <h1>Single sign-on{{#layout.organizations}} <small>{{current}}</small>{{/layout.organizations}}</h1>
        <p>People of this organization sign in to your applications through its identity provider (SAML). An
          application starts a sign-in at <code>{{authorizeURL}}</code> with <code>organization={{organizationID}}</code>,
          or with the person's email as <code>login_hint</code> when the organization has domains.</p>
        {{#layout.endpointGuessed}}<p class="notice warning">Roster was started without <code>--public-url</code>: the
          addresses below are made from the address it listens on, and an identity provider elsewhere cannot use them.
          Start it with the URL people reach it at, then paste them.</p>{{/layout.endpointGuessed}}
        {{#connections}}
        <section class="application" id="connection-{{id}}">
          <h2>Connection to <code>{{idpEntityID}}</code></h2>
          <p class="notice {{#lastAttempt}}{{#lastSucceeded}}success{{/lastSucceeded}}{{^lastSucceeded}}error{{/lastSucceeded}}{{/lastAttempt}}" id="status-{{id}}">
            {{#lastAttempt}}{{#lastSucceeded}}Last sign-in {{lastAttempt}}: <b>{{lastText}}</b>.{{/lastSucceeded}}{{^lastSucceeded}}Last sign-in {{lastAttempt}} was refused: {{lastText}}{{/lastSucceeded}}{{/lastAttempt}}
            {{^lastAttempt}}No sign-in yet: the first one shows here, and why, if it is refused.{{/lastAttempt}}
          </p>
          <h3>Okta (SAML 2.0 app)</h3>
          <dl class="copyable">
            <dt>Single sign-on URL</dt><dd><code id="okta-acs-{{id}}">{{acsURL}}</code> <button type="button" data-copy="okta-acs-{{id}}">Copy</button></dd>
            <dt>Audience URI (SP Entity ID)</dt><dd><code id="okta-audience-{{id}}">{{entityID}}</code> <button type="button" data-copy="okta-audience-{{id}}">Copy</button></dd>
            <dt>Name ID format</dt><dd>EmailAddress</dd>
            <dt>Application username</dt><dd>Email</dd>
            <dt>Attribute statements</dt><dd><code>email</code> ← user.email, <code>first_name</code> ← user.firstName,
              <code>last_name</code> ← user.lastName, <code>name</code> ← user.displayName</dd>
            <dt>Assertion encryption (optional)</dt><dd>Encrypted, with the <a href="{{certificateURL}}">encryption certificate</a></dd>
          </dl>
          <h3>Entra ID (enterprise application, SAML)</h3>
          <dl class="copyable">
            <dt>Identifier (Entity ID)</dt><dd><code id="entra-identifier-{{id}}">{{entityID}}</code> <button type="button" data-copy="entra-identifier-{{id}}">Copy</button></dd>
            <dt>Reply URL (Assertion Consumer Service URL)</dt><dd><code id="entra-reply-{{id}}">{{acsURL}}</code> <button type="button" data-copy="entra-reply-{{id}}">Copy</button></dd>
            <dt>Claims</dt><dd>The defaults: the user principal name as the NameID (email format), <code>emailaddress</code>,
              <code>givenname</code>, <code>surname</code>, <code>name</code></dd>
            <dt>Or upload the metadata</dt><dd><a href="{{metadataURL}}">{{metadataURL}}</a></dd>
          </dl>
          <p class="muted">Added {{created}}.{{#justInTime}} People unknown to the directory are created at their first sign-in.{{/justInTime}}{{^justInTime}} Only people in the directory may sign in.{{/justInTime}}{{#idpInitiated}} Sign-in started at the identity provider is on.{{/idpInitiated}}</p>
          <details class="inline-confirm"><summary>Remove…</summary>
            <form method="post" action="{{removePath}}">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            <p>Nobody signs in through this connection any more, and the access tokens it gave end.</p>
            <button type="submit" class="danger">Remove connection</button></form></details>
        </section>
        {{/connections}}
        {{^hasConnections}}<p class="notice">No SAML connection yet: add one from the identity provider's metadata below.</p>{{/hasConnections}}
        <h2>Add a connection</h2>
        <form method="post" action="{{addPath}}" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>The identity provider's SAML metadata (XML)
            <textarea id="metadata" name="metadata" rows="8" required placeholder="&lt;md:EntityDescriptor …"></textarea></label>
          <label><input type="checkbox" name="justInTime"> Create people unknown to the directory at their first sign-in
            (only with an address in this organization's domains, when it has some)</label>
          <button type="submit" class="primary">Add connection</button>
        </form>
        {{>bottom}}
        """
}
