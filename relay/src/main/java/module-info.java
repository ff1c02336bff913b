/**
 * The browser end of rtvoice: a relay that serves a voice page and bridges its audio WebSocket to a voice
 * session on the service, holding the credentials. {@code io.rtvoice.relay.internal} is not exported.
 */
module io.rtvoice.relay {
    requires transitive io.rtvoice.core;
    requires io.rtvoice.emulator;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.transport;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    // Only the command line's Microsoft Entra ID sign-in: an app embedding the relay need not have it.
    requires static com.azure.identity;
    requires static com.azure.core;

    exports io.rtvoice.relay;

    // picocli sets the command's option fields by reflection.
    opens io.rtvoice.relay.internal to info.picocli;
}
