extension Templates {
    static let tokens = """
        {{>top}}
        <div class="heading"><h1>SCIM Tokens</h1><a class="button primary" href="/admin/tokens/new">+ New</a></div>
        <p>An identity provider sends one of these tokens with every SCIM request. Each token is shown once, when it
          is created; Roster keeps only a hash of it.</p>
        {{^tokens}}<p class="notice">No tokens yet.</p>{{/tokens}}
        <table>
          <thead><tr><th>Description</th>{{#manyOrganizations}}<th>Organization</th>{{/manyOrganizations}}<th>Status</th><th>Token</th><th>Created</th><th>Last used</th></tr></thead>
          <tbody>
          {{#tokens}}
          <tr>
            <td><a href="/admin/tokens/{{id}}">{{description}}</a></td>
            {{#manyOrganizations}}<td>{{organization}}</td>{{/manyOrganizations}}
            <td><span class="status {{^active}}off{{/active}}">{{status}}</span></td>
            <td><code>{{prefix}}</code></td><td>{{created}}</td><td>{{lastUsed}}</td>
          </tr>
          {{/tokens}}
          </tbody>
        </table>
        {{>bottom}}
        """

    static let tokenNew = """
        {{>top}}
        <section class="narrow">
        <h1>New SCIM token</h1>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/admin/tokens">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Description <input name="description" maxlength="200" placeholder="Okta" required autofocus></label>
          {{#chooseOrganization}}
          <label>Organization
            <select name="organization">{{#organizations}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/organizations}}</select>
          </label>
          {{/chooseOrganization}}
          <label>Status
            <select name="status"><option value="active" selected>Active</option><option value="inactive">Inactive</option></select>
          </label>
          <button type="submit" class="primary">Create</button>
        </form>
        </section>
        {{>bottom}}
        """

    static let token = """
        {{>top}}
        {{#token}}
        <p><a href="/admin/tokens">SCIM Tokens</a> ›</p>
        <h1>{{description}}</h1>
        {{/token}}
        {{#secret}}
        <div class="notice success" role="status">Copy the token now: it will not be shown again.</div>
        <dl class="copyable">
          <dt>Token</dt>
          <dd><code id="token-value">{{secret}}</code> <button type="button" data-copy="token-value">Copy</button></dd>
          <dt>SCIM Endpoint</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
        </dl>
        {{/secret}}
        {{^secret}}
        <dl class="copyable">
          <dt>Token</dt><dd><code>{{#token}}{{prefix}}{{/token}}</code> <small>shown in full only when created or regenerated</small></dd>
          <dt>SCIM Endpoint</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
        </dl>
        {{/secret}}
        {{#token}}
        <dl>
          {{#manyOrganizations}}<dt>Organization</dt><dd>{{organization}}</dd>{{/manyOrganizations}}
          <dt>Status</dt><dd><span class="status {{^active}}off{{/active}}">{{status}}</span></dd>
          <dt>Created</dt><dd>{{created}}</dd>
          <dt>Last used</dt><dd>{{lastUsed}}</dd>
        </dl>
        <div class="actions">
          <form method="post" action="/admin/tokens/{{id}}/status">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#active}}<input type="hidden" name="status" value="inactive"><button type="submit">Make inactive</button>{{/active}}
            {{^active}}<input type="hidden" name="status" value="active"><button type="submit">Make active</button>{{/active}}
          </form>
          <form method="post" action="/admin/tokens/{{id}}/regenerate">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit">Regenerate</button> <small>The current token stops working at once here, and within 2 seconds on other Roster instances.</small>
          </form>
          <form method="post" action="/admin/tokens/{{id}}/delete" class="danger">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label><input type="checkbox" name="confirm" value="yes" required> Requests with this token will fail</label>
            <button type="submit" class="danger">Delete</button>
          </form>
        </div>
        {{/token}}
        {{>bottom}}
        """
}
