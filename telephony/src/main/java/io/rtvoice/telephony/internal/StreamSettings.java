package io.rtvoice.telephony.internal;

import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What every media stream of a server shares.
 *
 * @param client the service's client: each stream opens one session on it
 * @param session the session configuration (null: the service's defaults); its audio formats are set per carrier
 * @param maxMessageBytes the largest message a carrier may send (bytes)
 * @param maxQueuedBytes what may wait unsent for a carrier before its connection is cut as not reading (bytes)
 * @param idleTimeout a stream silent this long is ended
 * @param playbackLead audio sent ahead of real time to a carrier that acknowledges what it played
 * @param events where the streams' events go
 * @param localVad local turn taking for every stream (null: the session's turn detection only)
 * @param setup the app's setup of each stream's session
 */
public record StreamSettings(RealtimeClient client, SessionConfig session, int maxMessageBytes, long maxQueuedBytes,
        Duration idleTimeout, Duration playbackLead, Consumer<CallEvent> events, LocalVad localVad, SessionSetup setup) {
}
