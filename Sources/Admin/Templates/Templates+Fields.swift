extension Templates {
    static let fields = """
        {{>top}}
        <h1>Custom fields</h1>
        <p>Custom user fields appear in Roster's SCIM schema, so Okta's Profile Editor and Entra ID's attribute
          mappings can send them. A field's SCIM name comes from its name when it is created: lower case, punctuation
          dropped, spaces as dashes ("Some User's Field" → <code>some-users-field</code>).</p>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        {{^hasFields}}<p class="notice">No custom fields yet. Add one below; it appears in the SCIM schema at once.</p>{{/hasFields}}
        {{#hasFields}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>SCIM name</th><th>Namespace</th><th>Type</th><th>Status</th></tr></thead>
          <tbody>
          {{#fields}}
          <tr><td data-label="Name"><a href="{{base}}/fields/{{id}}">{{label}}</a></td><td data-label="SCIM name"><code>{{name}}</code></td>
            <td data-label="Namespace">{{namespace}}</td><td data-label="Type">{{type}}</td>
            <td data-label="Status">{{#enabled}}<span class="status">Enabled</span>{{/enabled}}{{^enabled}}<span class="status off">Disabled</span>{{/enabled}}</td></tr>
          {{/fields}}
          </tbody>
        </table>
        </div>
        {{/hasFields}}
        <h2>Add a field</h2>
        <form method="post" action="{{base}}/fields" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Name <input name="label" value="{{label}}" maxlength="100" placeholder="e.g. Cost center" required></label>
          <label>Type <select name="type">{{#types}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/types}}</select></label>
          <label>Options (selects only, one per line) <textarea name="options" rows="4">{{options}}</textarea></label>
          <label>Namespace
            <select name="namespace">
              <option value="enterprise">Enterprise (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User)</option>
              <option value="roster" {{#rosterNamespace}}selected{{/rosterNamespace}}>Roster (urn:ietf:params:scim:schemas:extension:roster:2.0:User)</option>
            </select></label>
          <button type="submit" class="primary">Add field</button>
        </form>
        <h2>Values for attributes Roster does not know</h2>
        <form method="post" action="{{base}}/fields/settings">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label><input type="checkbox" name="ignoreUnknown" value="yes" {{#ignoreUnknown}}checked{{/ignoreUnknown}}>
            Ignore values for unknown extension attributes (by default they are refused with 400, so mapping mistakes show up in the identity provider)</label>
          <button type="submit">Save</button>
        </form>
        {{>bottom}}
        """

    static let field = """
        {{>top}}
        <p><a href="{{base}}/fields">Custom fields</a> ›</p>
        {{#field}}
        <h1>{{label}} {{#enabled}}<span class="status">Enabled</span>{{/enabled}}{{^enabled}}<span class="status off">Disabled</span>{{/enabled}}</h1>
        {{/field}}
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        {{#field}}
        <dl>
          <dt>SCIM name</dt><dd><code>{{name}}</code></dd>
          <dt>Schema</dt><dd><code>{{schema}}</code></dd>
          <dt>Type</dt><dd>{{type}} (SCIM <code>{{scimType}}</code>)</dd>
          {{#hasOptions}}<dt>Options</dt><dd>{{options}}</dd>{{/hasOptions}}
        </dl>
        <h2>In Okta</h2>
        <p>Profile Editor › your app › <b>+ Add Attribute</b>:</p>
        <dl class="copyable">
          <dt>Data type</dt><dd>{{oktaType}}</dd>
          <dt>External name</dt><dd><code id="okta-name">{{name}}</code> <button type="button" data-copy="okta-name">Copy</button></dd>
          <dt>External namespace</dt><dd><code id="okta-namespace">{{schema}}</code> <button type="button" data-copy="okta-namespace">Copy</button></dd>
        </dl>
        <h2>In Entra ID</h2>
        <p>Provisioning › Mappings › users › <b>Add New Mapping</b>, target attribute:</p>
        <dl class="copyable">
          <dt>Target attribute</dt><dd><code id="entra-path">{{entraPath}}</code> <button type="button" data-copy="entra-path">Copy</button></dd>
        </dl>
        <h2>Change</h2>
        <form method="post" action="{{base}}/fields/{{id}}">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <label>Name (the SCIM name stays <code>{{name}}</code>) <input name="label" value="{{label}}" maxlength="100" required></label>
          {{#hasOptions}}<label>Options, one per line <textarea name="options" rows="5">{{optionsText}}</textarea></label>{{/hasOptions}}
          <button type="submit">Save</button>
        </form>
        <div class="actions">
          <form method="post" action="{{base}}/fields/{{id}}/enabled">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            {{#enabled}}<input type="hidden" name="enabled" value="no"><button type="submit">Disable</button>
              <small>Values are kept; the field leaves the SCIM schema and incoming values are ignored.</small>{{/enabled}}
            {{^enabled}}<input type="hidden" name="enabled" value="yes"><button type="submit">Enable</button>{{/enabled}}
          </form>
        </div>
        <section class="danger-zone">
          <h2>Delete this field</h2>
          <form method="post" action="{{base}}/fields/{{id}}/delete">
            <input type="hidden" name="csrf" value="{{layout.csrf}}">
            <label><input type="checkbox" name="confirm" value="yes" required> Remove this field's value from every person</label>
            <button type="submit" class="danger">Delete</button>
          </form>
        </section>
        {{/field}}
        {{>bottom}}
        """
}
