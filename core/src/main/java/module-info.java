/**
 * rtvoice's core: the client, voice agents, the typed events and their codec, the conversation, transcription sessions, the voice session,
 * the audio pipeline, and the SPIs that transports and audio backends implement. Knows nothing of
 * Netty, LWJGL or Java Sound. {@code io.rtvoice.internal.*} is not exported.
 */
module io.rtvoice.core {
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive com.fasterxml.jackson.databind;
    // ClientSecrets mints ephemeral keys over HTTPS with the JDK's client: core stays free of Netty.
    requires java.net.http;
    // Only for EntraIdCredentials: users of API keys need not have it.
    requires static com.azure.core;

    exports io.rtvoice;
    exports io.rtvoice.agent;
    exports io.rtvoice.audio;
    exports io.rtvoice.audio.spi;
    exports io.rtvoice.calls;
    exports io.rtvoice.conversation;
    exports io.rtvoice.event;
    exports io.rtvoice.transcription;
    exports io.rtvoice.transport;
    exports io.rtvoice.voice;

    // The codec binds the event records with Jackson, some through package-private members.
    opens io.rtvoice.event to com.fasterxml.jackson.databind;
    // A History is stored and read back as JSON.
    opens io.rtvoice.agent to com.fasterxml.jackson.databind;
    opens io.rtvoice.internal.codec to com.fasterxml.jackson.databind;

    uses io.rtvoice.transport.TransportProvider;
    uses io.rtvoice.audio.AudioBackend;

    provides io.rtvoice.audio.AudioBackend with io.rtvoice.audio.NullAudioBackend, io.rtvoice.audio.WavAudioBackend;
}
