/** Runnable programs: text-in-audio-out, voice chat, transcription of a WAV file and a phone line, on the embedded emulator or the service. */
module io.rtvoice.examples {
    requires io.rtvoice.core;
    requires io.rtvoice.emulator;
    requires io.rtvoice.transport.websocket;
    requires io.rtvoice.telephony;
    requires io.rtvoice.audio.javasound;
    requires io.rtvoice.audio.openal;
    requires io.rtvoice.audio.webrtc;
    requires com.azure.identity;
    requires info.picocli;
    // openai-sip's webhook receiver
    requires jdk.httpserver;

    // picocli sets the commands' option fields by reflection; Jackson binds voice-agents' tool arguments to records.
    opens io.rtvoice.examples to info.picocli, com.fasterxml.jackson.databind;
}
