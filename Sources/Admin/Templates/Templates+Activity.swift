extension Templates {
    static let activity = """
        {{>top}}
        <h1>Provisioning activity</h1>
        <p class="muted">Every SCIM request, newest first, kept for {{retentionDays}} days. When an identity provider
          reports "Errors reported by remote server", the failed request is here with the detail Roster sent.</p>
        <form method="get" action="{{base}}/activity" class="filters">
          <select name="outcome" aria-label="Outcome">
            {{#outcomes}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/outcomes}}
          </select>
          <select name="client" aria-label="Client">
            <option value="">Every client</option>
            {{#clients}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/clients}}
          </select>
          <button type="submit">Filter</button>
        </form>
        {{^hasEvents}}<p class="notice">{{empty}}</p>{{/hasEvents}}
        {{>activity-list}}
        <nav class="pager" aria-label="Pages">
          {{#newest}}<a class="button" href="{{newest}}">← Newest</a>{{/newest}}
          {{#older}}<a class="button" href="{{older}}" rel="next">Older →</a>{{/older}}
        </nav>
        {{>bottom}}
        """

    /// Short rows, each opening the whole request.
    static let activityList = """
        {{#hasEvents}}
        <ol class="activity">
          {{#events}}
          <li class="{{#failed}}failed{{/failed}}"><a class="activity-row" href="{{href}}">
            <time title="{{time}}">{{age}}</time>
            <span class="client">{{client}}</span>
            <span class="summary">{{summary}}</span>
            <span class="subject">{{subject}}</span>
            {{#failed}}<span class="outcome failed">{{status}}</span>{{/failed}}{{^failed}}<span class="outcome ok">{{status}}</span>{{/failed}}
          </a></li>
          {{/events}}
        </ol>
        {{/hasEvents}}
        """

    static let activityDetail = """
        {{>top}}
        <p><a href="{{base}}/activity">Provisioning activity</a> ›</p>
        {{#row}}
        <h1>{{summary}} {{#failed}}<span class="outcome failed">{{status}}</span>{{/failed}}{{^failed}}<span class="outcome ok">{{status}}</span>{{/failed}}</h1>
        <dl class="facts">
          <dt>Request</dt><dd><code>{{method}} {{path}}</code></dd>
          <dt>About</dt><dd>{{#subjectHref}}<a href="{{subjectHref}}">{{subject}}</a>{{/subjectHref}}{{^subjectHref}}{{subject}}{{^subject}}—{{/subject}}{{/subjectHref}}</dd>
          <dt>Time</dt><dd>{{time}} ({{age}})</dd>
          <dt>Client</dt><dd>{{client}}</dd>
          <dt>Token</dt><dd>{{token}}</dd>
          <dt>Status</dt><dd>{{status}}</dd>
          <dt>Duration</dt><dd>{{milliseconds}} ms</dd>
          <dt>Request id</dt><dd><code>{{requestID}}</code></dd>
        </dl>
        {{/row}}
        {{#detail}}<h2>Error detail sent back</h2><pre class="detail">{{detail}}</pre>{{/detail}}
        {{#hasChanges}}
        <h2>Changes</h2>
        <div class="table-wrap">
        <table class="changes">
          <thead><tr><th>Attribute</th><th>Before</th><th>After</th></tr></thead>
          <tbody>
          {{#changes}}<tr><th scope="row">{{attribute}}</th><td>{{#before}}<del>{{before}}</del>{{/before}}</td><td>{{#after}}<ins>{{after}}</ins>{{/after}}</td></tr>{{/changes}}
          </tbody>
        </table>
        </div>
        {{/hasChanges}}
        {{>bottom}}
        """

    /// The live status of a provider's connection; the Connect page reloads it every few seconds.
    static let lastRequest = """
        <div id="live-status" data-refresh="{{statusURL}}" aria-live="polite">
        {{#last}}
        <p class="notice {{#failed}}error{{/failed}}{{^failed}}success{{/failed}}">
          Last request from {{provider}}: {{age}}, {{summary}}{{#subject}} ({{subject}}){{/subject}} → {{status}}.
          <a href="{{href}}">Details</a></p>
        {{/last}}
        {{^last}}<p class="notice">No request from {{provider}} with one of these tokens yet. Once you test the
          connection it shows here.</p>{{/last}}
        {{#unknownToken}}<p class="notice warning">{{age}}, a request from {{provider}} carried no valid token
          (401). If {{provider}}'s test fails, paste the token again. <a href="{{href}}">Details</a></p>{{/unknownToken}}
        {{#lastFailure}}<p>Last failure: {{age}}, {{summary}} → {{status}}. <a href="{{href}}">Details</a> ·
          {{#activityList}}<a href="{{activityList}}?outcome=failed">all failures</a>{{/activityList}}</p>{{/lastFailure}}
        </div>
        """

    static let connectOkta = """
        {{>top}}
        <h1>Connect Okta{{#layout.organizations}} <small>{{current}}</small>{{/layout.organizations}}</h1>
        {{#status}}{{>last-request}}{{/status}}
        <h2>Values to paste</h2>
        <dl class="copyable">
          <dt>SCIM connector base URL</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}</dd>
          <dt>Unique identifier field for users</dt><dd><code>userName</code></dd>
          <dt>Authentication Mode</dt><dd>HTTP Header</dd>
          <dt>Authorization (Bearer)</dt>
          <dd>{{>token-choice}} Okta needs the full token, which is shown only when it is created or regenerated.</dd>
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
            are listed under <a href="{{base}}/activity?outcome=failed&amp;client=okta">Provisioning activity</a>.</li>
        </ol>
        {{>bottom}}
        """

    static let connectEntra = """
        {{>top}}
        <h1>Connect Entra ID{{#layout.organizations}} <small>{{current}}</small>{{/layout.organizations}}</h1>
        {{#status}}{{>last-request}}{{/status}}
        <h2>Values to paste</h2>
        <dl class="copyable">
          <dt>Tenant URL</dt>
          <dd><code id="endpoint-value">{{endpoint}}</code> <button type="button" data-copy="endpoint-value">Copy</button>{{>endpoint-note}}
            <small>Appending <code>?aadOptscim062020</code> makes Entra send standard PATCH requests; Roster accepts both forms.</small></dd>
          <dt>Secret Token</dt>
          <dd>{{>token-choice}} Entra needs the full token, which is shown only when it is created or
            regenerated.</dd>
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
          <li>Failures are listed under <a href="{{base}}/activity?outcome=failed&amp;client=entra">Provisioning activity</a>
            and in Entra's provisioning logs.</li>
        </ol>
        {{>bottom}}
        """

    /// The active tokens an identity provider may use, one per line, and a way to a new one.
    static let tokenChoice = """
        {{^tokens}}<p>No active token yet: <a href="{{base}}/tokens/new">create one</a>.</p>{{/tokens}}
        {{#hasTokens}}<p>One of these active tokens (or <a href="{{base}}/tokens/new">a new one</a>):</p>
        <ul class="token-list">{{#tokens}}<li><a href="{{tokensPath}}/{{id}}">{{description}}</a> <code>{{prefix}}</code>
          <small>last used {{lastUsed}}</small></li>{{/tokens}}</ul>{{/hasTokens}}
        """
}
