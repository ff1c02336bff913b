/** JMH benchmarks of the latency-critical path, and the latency, relay, sip, scale, soak and resample commands. */
module io.rtvoice.bench {
    requires io.rtvoice.core;
    requires io.rtvoice.emulator;
    requires io.rtvoice.transport.websocket;
    requires io.rtvoice.relay;
    requires io.rtvoice.telephony;
    requires io.rtvoice.audio.javasound;
    requires io.rtvoice.audio.openal;
    requires io.rtvoice.audio.webrtc;
    requires com.azure.identity;
    requires info.picocli;
    requires jmh.core;
    requires HdrHistogram;
    requires io.netty.buffer;
    requires java.logging;
    requires java.net.http;
    requires java.management;
    requires jdk.management;

    // picocli sets the commands' option fields, and JMH its @State fields, by reflection.
    opens io.rtvoice.bench to info.picocli;
    opens io.rtvoice.bench.latency to info.picocli;
    opens io.rtvoice.bench.relay to info.picocli;
    opens io.rtvoice.bench.sip to info.picocli;
    opens io.rtvoice.bench.scale to info.picocli;
    opens io.rtvoice.bench.soak to info.picocli;
    opens io.rtvoice.bench.audio to jmh.core;
    opens io.rtvoice.bench.codec to jmh.core;
    opens io.rtvoice.bench.transport to jmh.core, info.picocli;
}
