extension Templates {
    static let activity = """
        {{>top}}
        <h1>Provisioning activity</h1>
        <p>Every SCIM request, newest first, kept for {{retentionDays}} days. When an identity provider reports
          "Errors reported by remote server", the failed request is here with the detail Roster sent.</p>
        <form method="get" action="/admin/activity" class="search">
          <select name="outcome" aria-label="Outcome">
            {{#outcomes}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/outcomes}}
          </select>
          <select name="client" aria-label="Client">
            <option value="">Every client</option>
            {{#clients}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/clients}}
          </select>
          <button type="submit">Filter</button>
        </form>
        {{^events}}<p class="notice">No request matches.</p>{{/events}}
        {{>activity-table}}
        <nav class="pager" aria-label="Pages">
          {{#newest}}<a href="{{newest}}">← Newest</a>{{/newest}}
          {{#older}}<a href="{{older}}" rel="next">Older →</a>{{/older}}
        </nav>
        {{>bottom}}
        """

    static let activityTable = """
        {{#hasEvents}}
        <table class="activity">
          <thead><tr><th>Time</th><th>Client</th><th>Token</th><th>Request</th><th>Status</th><th>Resource</th>
            <th>Changed</th><th>Error detail</th></tr></thead>
          <tbody>
          {{#events}}
          <tr class="{{#failed}}failed{{/failed}}">
            <td title="{{time}}">{{age}}</td><td>{{client}}</td><td>{{token}}</td>
            <td><code>{{method}} {{path}}</code></td><td>{{status}}</td>
            <td>{{#resourceLink}}<a href="{{resourceLink}}">{{resource}}</a>{{/resourceLink}}{{^resourceLink}}{{resource}}{{/resourceLink}}</td>
            <td>{{changes}}</td><td>{{detail}}</td>
          </tr>
          {{/events}}
          </tbody>
        </table>
        {{/hasEvents}}
        """

    static let lastRequest = """
        <h2>Live status</h2>
        {{#last}}
        <p class="notice {{#lastSucceeded}}success{{/lastSucceeded}}{{^lastSucceeded}}error{{/lastSucceeded}}" role="status">
          Last request from {{provider}}: {{age}} ({{time}}), <code>{{method}} {{path}}</code> → {{status}}
          {{#detail}}: {{detail}}{{/detail}}</p>
        {{/last}}
        {{^last}}<p class="notice" role="status">No request from {{provider}} yet. Once you test the connection it
          shows here.</p>{{/last}}
        {{#lastFailure}}<p>Last failure: {{age}}, <code>{{method}} {{path}}</code> → {{status}}: {{detail}}
          (<a href="/admin/activity?outcome=failed">all failures</a>)</p>{{/lastFailure}}
        """

    static let connectOkta = """
        {{>top}}
        <h1>Connect Okta</h1>
        {{>last-request}}
        <h2>Values to paste</h2>
        <dl class="copyable">
          <dt>SCIM connector base URL</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
          <dt>Unique identifier field for users</dt><dd><code>userName</code></dd>
          <dt>Authentication Mode</dt><dd>HTTP Header</dd>
          <dt>Authorization (Bearer)</dt>
          <dd>A SCIM token: {{^tokens}}<a href="/admin/tokens/new">create one</a>{{/tokens}}
            {{#tokens}}<a href="/admin/tokens/{{id}}">{{description}}</a> <code>{{prefix}}</code> · {{/tokens}}
            <a href="/admin/tokens/new">or a new one</a>. Okta needs the full token, which is shown only when it is created
            or regenerated.</dd>
        </dl>
        <h2>Steps</h2>
        <ol class="steps">
          <li>In Okta's Admin Console open your app's <b>General</b> tab, click <b>Edit</b> under App Settings, tick
            <b>Enable SCIM provisioning</b> and save.</li>
          <li>Open <b>Provisioning › Integration › Edit</b>. Paste the <b>SCIM connector base URL</b> above and type
            <code>userName</code> as the <b>Unique identifier field for users</b>.</li>
          <li>Tick the provisioning actions: <b>Import New Users and Profile Updates</b>, <b>Push New Users</b>,
            <b>Push Profile Updates</b> (and <b>Push Groups</b> to use Group Push).</li>
          <li>Choose <b>HTTP Header</b> as the Authentication Mode and paste the token as the Bearer token.</li>
          <li>Click <b>Test Connector Configuration</b>; the live status above shows Okta's requests as they arrive.
            Then <b>Save</b>.</li>
          <li>Under <b>Provisioning › To App</b>, click <b>Edit</b> and enable <b>Create Users</b>, <b>Update User
            Attributes</b> and <b>Deactivate Users</b>.</li>
          <li>Assign people or groups on the <b>Assignments</b> tab; people assigned before provisioning was enabled
            need <b>Assignments › Provision User</b>.</li>
          <li>For groups, use the <b>Push Groups</b> tab. Errors Okta reports ("Errors reported by remote server")
            are listed under <a href="/admin/activity?outcome=failed&amp;client=okta">Provisioning activity</a>.</li>
        </ol>
        {{>bottom}}
        """

    static let connectEntra = """
        {{>top}}
        <h1>Connect Entra ID</h1>
        {{>last-request}}
        <h2>Values to paste</h2>
        <dl class="copyable">
          <dt>Tenant URL</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}
            <small>Appending <code>?aadOptscim062020</code> makes Entra send standard PATCH requests; Roster accepts both forms.</small></dd>
          <dt>Secret Token</dt>
          <dd>A SCIM token: {{^tokens}}<a href="/admin/tokens/new">create one</a>{{/tokens}}
            {{#tokens}}<a href="/admin/tokens/{{id}}">{{description}}</a> <code>{{prefix}}</code> · {{/tokens}}
            <a href="/admin/tokens/new">or a new one</a>. Entra needs the full token, which is shown only when it is
            created or regenerated.</dd>
          <dt>Matching attribute</dt><dd><code>userName</code> ← <code>userPrincipalName</code> (Entra's default)</dd>
        </dl>
        <h2>Steps</h2>
        <ol class="steps">
          <li>In the Microsoft Entra admin center open <b>Enterprise applications › New application › Create your own
            application</b> ("Integrate any other application you don't find in the gallery").</li>
          <li>Open <b>Provisioning</b>, choose <b>Automatic</b> as the Provisioning Mode.</li>
          <li>Under <b>Admin Credentials</b>, paste the <b>Tenant URL</b> and the <b>Secret Token</b>, then click
            <b>Test Connection</b>: Entra looks up a user that does not exist and expects an empty list.</li>
          <li>Under <b>Mappings</b>, review the user attributes. Custom fields appear under
            <code>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:</code> followed by the field's SCIM name.</li>
          <li>Assign users and groups under <b>Users and groups</b>, set <b>Provisioning Status</b> to <b>On</b> and save.
            Entra's first cycle starts within minutes; later cycles run about every 40 minutes.</li>
          <li>Failures are listed under <a href="/admin/activity?outcome=failed&amp;client=entra">Provisioning activity</a>
            and in Entra's provisioning logs.</li>
        </ol>
        {{>bottom}}
        """
}
