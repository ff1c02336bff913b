package io.rtvoice.relay.internal;

import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.time.Duration;

/**
 * What every page session of a relay shares.
 *
 * @param client the service's client: it holds the credentials, which never leave the relay
 * @param session the relay's session configuration (null: the service's defaults)
 * @param pageMaySetSession whether a page may choose instructions, voice and turn detection
 * @param maxMessageBytes the largest message a page may send
 * @param maxQueuedBytes what may wait unsent for a page before it is dropped as not reading
 * @param idleTimeout a page that sends nothing this long is closed
 * @param playbackLead audio kept queued at the page ahead of what it has played
 * @param localVad local turn taking for every page (null: the session's turn detection only)
 * @param setup the app's setup of each page's session
 */
public record RelaySettings(RealtimeClient client, SessionConfig session, boolean pageMaySetSession, int maxMessageBytes,
        long maxQueuedBytes, Duration idleTimeout, Duration playbackLead, LocalVad localVad,
        SessionSetup setup) {
}
