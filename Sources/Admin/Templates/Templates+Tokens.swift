extension Templates {
    static let tokens = """
        {{>top}}
        <div class="heading"><h1>SCIM Tokens</h1><a class="button primary" href="{{base}}/tokens/new">+ New</a></div>
        <p>An identity provider sends one of these tokens with every SCIM request. Each token is shown once, when it
          is created or regenerated; Roster keeps only a hash of it.</p>
        {{^tokens}}<p class="notice">No tokens yet. <a href="{{base}}/tokens/new">Create the first one</a> and paste it
          into your identity provider with the SCIM endpoint.</p>{{/tokens}}
        {{>token-table}}
        {{>bottom}}
        """

    /// A list of tokens, each opening its page under `tokensPath`.
    static let tokenTable = """
        {{#hasTokens}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Description</th><th>Status</th><th>Token</th><th>Created</th><th>Last used</th></tr></thead>
          <tbody>
          {{#tokens}}
          <tr>
            <td data-label="Description"><a href="{{tokensPath}}/{{id}}">{{description}}</a></td>
            <td data-label="Status"><span class="status {{^active}}off{{/active}}">{{status}}</span></td>
            <td data-label="Token"><code>{{prefix}}</code></td>
            <td data-label="Created">{{created}}</td><td data-label="Last used">{{lastUsed}}</td>
          </tr>
          {{/tokens}}
          </tbody>
        </table>
        </div>
        {{/hasTokens}}
        """

    static let tokenNew = """
        {{>top}}
        <section class="narrow">
        <h1>New SCIM token</h1>
        {{#organization}}<p class="muted">For {{organization}}</p>{{/organization}}
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="{{base}}/tokens">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Description <input name="description" maxlength="200" value="{{description}}" placeholder="e.g. Okta production" required autofocus></label>
          <label>Status
            <select name="status"><option value="active" selected>Active</option><option value="inactive">Inactive</option></select>
          </label>
          <button type="submit" class="primary">Create</button>
          <a class="button" href="{{base}}/tokens">Cancel</a>
        </form>
        </section>
        {{>bottom}}
        """

    static let token = """
        {{>top}}
        {{#token}}
        <p><a href="{{base}}/tokens">SCIM Tokens</a> ›</p>
        <h1>{{description}} <span class="status {{^active}}off{{/active}}">{{status}}</span></h1>
        {{/token}}
        {{#secret}}
        <div class="notice success" role="status">Copy the token now: it is shown this once, and not again after
          you leave or reload this page.</div>
        <dl class="copyable facts">
          <dt>Token</dt>
          <dd><code id="token-value">{{secret}}</code> <button type="button" data-copy="token-value">Copy</button></dd>
          <dt>SCIM Endpoint</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
        </dl>
        {{/secret}}
        {{^secret}}
        <dl class="copyable facts">
          <dt>Token</dt><dd><code>{{#token}}{{prefix}}{{/token}}</code> <small>shown in full only when created or regenerated</small></dd>
          <dt>SCIM Endpoint</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
        </dl>
        {{/secret}}
        {{#token}}
        <dl class="facts">
          {{#organization}}<dt>Organization</dt><dd>{{organization}}</dd>{{/organization}}
          <dt>Created</dt><dd>{{created}}</dd>
          <dt>Last used</dt><dd>{{lastUsed}}</dd>
        </dl>
        {{#manage}}
        <div class="actions">
          <form method="post" action="{{tokensPath}}/{{id}}/status">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            {{#active}}<input type="hidden" name="status" value="inactive"><button type="submit">Make inactive</button>
              <small>Requests with this token are refused until it is made active again.</small>{{/active}}
            {{^active}}<input type="hidden" name="status" value="active"><button type="submit">Make active</button>{{/active}}
          </form>
          <p><a class="button" href="{{tokensPath}}/{{id}}/regenerate">Regenerate…</a>
            <small>Replaces the token; the identity provider needs the new one.</small></p>
        </div>
        <section class="danger-zone">
          <h2>Delete this token</h2>
          <form method="post" action="{{tokensPath}}/{{id}}/delete">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            <label><input type="checkbox" name="confirm" value="yes" required> Requests with this token will fail from now on</label>
            <button type="submit" class="danger">Delete</button>
          </form>
        </section>
        {{/manage}}
        {{^manage}}
        <p><a class="button" href="{{tokensPath}}/{{id}}/regenerate">Regenerate…</a>
          <small>Replaces the token; the identity provider needs the new one.</small></p>
        {{/manage}}
        {{/token}}
        {{>bottom}}
        """

    /// Regenerate asks first: it breaks the identity provider's connection until the new token is pasted there.
    static let tokenRegenerate = """
        {{>top}}
        {{#token}}
        <section class="confirm">
        <h1>Regenerate “{{description}}”?</h1>
        <p>The current token stops working at once on this instance, and within 2 seconds on other Roster instances.
          Every request from the identity provider that uses it fails until you paste the new token there.</p>
        <p>Last used: {{lastUsed}}.</p>
        <form method="post" action="{{tokensPath}}/{{id}}/regenerate">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <button type="submit" class="danger">Regenerate the token</button>
          <a class="button" href="{{tokensPath}}/{{id}}">Cancel</a>
        </form>
        </section>
        {{/token}}
        {{>bottom}}
        """
}

extension Templates {
    static let organizations = """
        {{>top}}
        <h1>Organizations</h1>
        <p class="muted">Each organization has its own people, groups, custom fields and SCIM tokens; a token only
          reaches its organization's directory.</p>
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>Domains</th><th>People</th><th>Groups</th><th>Latest request</th><th></th></tr></thead>
          <tbody>
          {{#organizations}}
          <tr><td data-label="Name"><a href="{{href}}">{{name}}</a>{{#isDefault}} <small>default</small>{{/isDefault}}</td>
            <td data-label="Domains">{{domains}}</td><td data-label="People">{{people}}</td><td data-label="Groups">{{groups}}</td>
            <td data-label="Latest request">{{#last}}<a href="{{href}}">{{age}}: {{summary}}</a>
              {{#failed}}<span class="outcome failed">{{status}}</span>{{/failed}}{{^failed}}<span class="outcome ok">{{status}}</span>{{/failed}}{{/last}}{{^last}}<span class="muted">none yet</span>{{/last}}</td>
            <td><a href="{{settings}}">Settings</a></td></tr>
          {{/organizations}}
          </tbody>
        </table>
        </div>
        {{#pager}}{{>pager}}{{/pager}}
        <h2>New organization</h2>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/admin/organizations" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Name <input name="name" value="{{name}}" maxlength="200" placeholder="e.g. Acme Corporation" required></label>
          <label>Email domains, one per line (optional) <textarea name="domains" rows="2" placeholder="e.g. acme.com">{{domains}}</textarea></label>
          <button type="submit" class="primary">Create organization</button>
        </form>
        {{>bottom}}
        """

    static let organization = """
        {{>top}}
        <p><a href="/admin/organizations">Organizations</a> ›</p>
        {{#organization}}
        <h1>{{name}}</h1>
        <p><a class="button" href="{{href}}">Open its overview</a></p>
        <dl class="facts">
          <dt>People</dt><dd>{{people}}</dd>
          <dt>Groups</dt><dd>{{groups}}</dd>
          <dt>Id</dt><dd><code>{{id}}</code></dd>
        </dl>
        {{/organization}}
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        {{#organization}}
        <h2>Name</h2>
        <form method="post" action="/admin/organizations/{{id}}/name" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Name <input name="name" value="{{name}}" maxlength="200" required></label>
          <button type="submit">Rename</button>
        </form>
        <h2>Email domains</h2>
        <form method="post" action="/admin/organizations/{{id}}/domains" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>One per line <textarea name="domains" rows="3">{{domainLines}}</textarea></label>
          <button type="submit">Save domains</button>
        </form>
        <h2>Setup links</h2>
        <p class="muted">A setup link lets the organization's IT administrator create and regenerate its SCIM tokens
          and follow the Connect steps, for this organization only, until it expires or is revoked.</p>
        {{#newLink}}
        <div class="notice success" role="status">Copy the link now: it is shown this once.</div>
        <dl class="copyable facts"><dt>Setup link</dt>
          <dd><code id="setup-link">{{newLink}}</code> <button type="button" data-copy="setup-link">Copy</button></dd></dl>
        {{/newLink}}
        {{#hasLinks}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Status</th><th>Created</th><th>Expires</th><th>Uses</th><th>Last used</th><th></th></tr></thead>
          <tbody>
          {{#links}}
          <tr><td data-label="Status"><span class="status {{^valid}}off{{/valid}}">{{state}}</span></td>
            <td data-label="Created">{{created}} by {{createdBy}}</td><td data-label="Expires">{{expires}}</td>
            <td data-label="Uses">{{uses}}</td><td data-label="Last used">{{lastUsed}}</td>
            <td>{{#valid}}<form method="post" action="/admin/organizations/{{organization.id}}/setup-links/{{id}}/revoke">
              <input type="hidden" name="csrf" value="{{layout.csrf}}"><button type="submit" class="danger">Revoke</button></form>{{/valid}}</td></tr>
          {{/links}}
          </tbody>
        </table>
        </div>
        {{/hasLinks}}
        <form method="post" action="/admin/organizations/{{id}}/setup-links" class="filters">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <select name="days" aria-label="Valid for"><option value="1">Valid 1 day</option>
            <option value="7" selected>Valid 7 days</option><option value="30">Valid 30 days</option></select>
          <button type="submit">Create a setup link</button>
        </form>
        {{^isDefault}}
        <section class="danger-zone">
          <h2>Delete this organization</h2>
          <p>Its SCIM tokens stop working at once, and its people, groups, fields and activity are removed. This
            cannot be undone.</p>
          <form method="post" action="/admin/organizations/{{id}}/delete">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            <label>Type <strong>{{name}}</strong> to confirm <input name="confirm" autocomplete="off" required></label>
            <button type="submit" class="danger">Delete {{name}}</button>
          </form>
        </section>
        {{/isDefault}}
        {{/organization}}
        {{>bottom}}
        """
}

extension Templates {
    /// The setup portal's page: the organization's SCIM tokens, a new one, and where to go next.
    static let portal = """
        {{>top}}
        <h1>Set up {{organization}}</h1>
        <p class="muted">This page lets you connect {{organization}}'s identity provider to the application. It works
          until {{expires}}, and only for {{organization}}.</p>
        <h2>1. A SCIM token</h2>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        {{>token-table}}
        <form method="post" action="/portal/tokens" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Description <input name="description" maxlength="200" placeholder="e.g. Okta" required></label>
          <button type="submit" class="primary">Create a token</button>
        </form>
        <h2>2. Your identity provider</h2>
        <p>SCIM endpoint: <code>{{endpoint}}</code>{{>endpoint-note}}</p>
        <p><a class="button" href="/portal/connect/okta">Connect Okta</a>
          <a class="button" href="/portal/connect/entra">Connect Entra ID</a></p>
        {{>bottom}}
        """
}

extension Templates {
    /// What a setup link opens first: whose setup it is, before anything is set in the browser.
    static let portalOpen = """
        {{>top}}
        <section class="confirm">
        <h1>Set up {{organization}}</h1>
        <p>This link lets you connect {{organization}}'s identity provider to the application: create its SCIM token
          and follow the steps for Okta or Entra ID. It works until {{expires}}.</p>
        {{#replacing}}<p class="notice warning">This browser has the setup of {{replacing}} open; going on replaces
          it.</p>{{/replacing}}
        <form method="post" action="/portal/open">
          <input type="hidden" name="link" value="{{link}}">
          <button type="submit" class="primary">Set up {{organization}}</button>
        </form>
        </section>
        {{>bottom}}
        """
}
