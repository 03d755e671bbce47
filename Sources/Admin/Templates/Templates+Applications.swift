extension Templates {
    static let applications = """
        {{>top}}
        <h1>Applications</h1>
        <p>The applications Roster tells of every change: they read the event feed at <code>{{feedURL}}</code> with
          their secret, and Roster pushes each event to their webhooks, signed. Register one with
          <code>roster app create --name NAME</code> and add a webhook with
          <code>roster webhook add --app ID --url URL</code>: each shows its secret once.</p>
        {{^hasApplications}}<p class="notice">No application yet.</p>{{/hasApplications}}
        {{#applications}}
        <section class="application">
        <h2>{{name}}</h2>
        <p class="muted">Id <code>{{id}}</code> · client id <code>{{clientID}}</code> · registered {{created}}</p>
        {{^hasWebhooks}}<p>No webhook: the application reads the feed.</p>{{/hasWebhooks}}
        {{#webhooks}}
        <h3><code>{{url}}</code> <span class="status {{^healthy}}off{{/healthy}}">{{state}}</span></h3>
        <p class="muted">Takes {{types}}.</p>
        {{#enabled}}<form method="post" action="/admin/webhooks/{{id}}/disable">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <button type="submit">Disable</button></form>{{/enabled}}
        {{^enabled}}<form method="post" action="/admin/webhooks/{{id}}/enable">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <button type="submit" class="primary">Re-enable</button></form>{{/enabled}}
        <form method="post" action="/admin/webhooks/{{id}}/test">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <button type="submit">Send test event</button>{{#testAsked}} <small>(asked for; on its way)</small>{{/testAsked}}</form>
        {{#hasAttempts}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Time</th><th>Event</th><th>Status</th><th>Latency</th><th>Answer</th></tr></thead>
          <tbody>
          {{#attempts}}
          <tr><td data-label="Time">{{time}}</td><td data-label="Event">{{event}}</td>
            <td data-label="Status"><span class="status {{^succeeded}}off{{/succeeded}}">{{status}}</span></td>
            <td data-label="Latency">{{milliseconds}}</td><td data-label="Answer"><small>{{excerpt}}</small></td></tr>
          {{/attempts}}
          </tbody>
        </table>
        </div>
        {{/hasAttempts}}
        {{^hasAttempts}}<p class="muted">No delivery attempted yet.</p>{{/hasAttempts}}
        {{#hasDeadLetters}}<h4>Given up on</h4><ul>{{#deadLetters}}<li>{{description}}
          <form method="post" action="/admin/webhooks/{{id}}/resend">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
          <input type="hidden" name="organization" value="{{organization}}"><input type="hidden" name="sequence" value="{{sequence}}">
          <button type="submit">Resend</button></form></li>{{/deadLetters}}</ul>{{/hasDeadLetters}}
        {{/webhooks}}
        </section>
        {{/applications}}
        {{>bottom}}
        """
}
