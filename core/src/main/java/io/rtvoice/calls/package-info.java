/**
 * OpenAI's SIP calls, where the service answers the phone and the application steers the call: a
 * {@code realtime.call.incoming} webhook, checked by {@link io.rtvoice.calls.WebhookVerifier}; the
 * {@link io.rtvoice.calls.Calls} client, which accepts (with the session's configuration), rejects, refers and
 * hangs up; and the call's sideband connection, {@link io.rtvoice.Endpoint#openAiCall(String)}, on which a
 * {@link io.rtvoice.RealtimeClient} watches and steers the call's session.
 */
package io.rtvoice.calls;
