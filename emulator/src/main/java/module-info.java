/**
 * A local server that speaks the Realtime protocol in both dialects, for offline work, tests and
 * benchmarks; {@code io.rtvoice.emulator.cli} holds the command-line pieces its programs share.
 */
module io.rtvoice.emulator {
    requires transitive io.rtvoice.core;
    requires transitive info.picocli;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    // MCP tools: the emulator lists and calls them on real MCP servers, as the service does (automatic modules).
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires java.logging; // --quiet lowers the MCP SDK's logger (slf4j, bound to java.util.logging)
    requires java.net.http; // the MCP SDK's transport is the JDK HttpClient; the calls webhook is posted with it too
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;

    exports io.rtvoice.emulator;
    exports io.rtvoice.emulator.cli;

    // picocli sets the options' fields by reflection.
    opens io.rtvoice.emulator to info.picocli;
    opens io.rtvoice.emulator.cli to info.picocli;
}
