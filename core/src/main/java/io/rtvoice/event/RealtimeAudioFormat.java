package io.rtvoice.event;

/**
 * An audio format on the wire, in the GA shape ({@code {"type":"audio/pcm","rate":24000}}). The preview
 * dialect's names ({@code pcm16}, {@code g711_ulaw}, {@code g711_alaw}) are mapped by the codec.
 *
 * @param type MIME-like name: {@code audio/pcm}, {@code audio/pcmu} or {@code audio/pcma}
 * @param rate sample rate in Hz; present for {@code audio/pcm} only (the service supports 24000)
 */
public record RealtimeAudioFormat(String type, Integer rate) {

    /** PCM, 16-bit signed little-endian, mono, 24 kHz. */
    public static final RealtimeAudioFormat PCM16 = new RealtimeAudioFormat("audio/pcm", 24_000);
    /** G.711 μ-law, 8 kHz, one byte per sample. */
    public static final RealtimeAudioFormat G711_ULAW = new RealtimeAudioFormat("audio/pcmu", null);
    /** G.711 A-law, 8 kHz, one byte per sample. */
    public static final RealtimeAudioFormat G711_ALAW = new RealtimeAudioFormat("audio/pcma", null);

    /** Sample rate in Hz of this format: the given rate for PCM, 8000 for G.711. */
    public int sampleRateHz() {
        return rate != null ? rate : 8_000;
    }

    /** Bytes per sample of one channel: 2 for PCM16, 1 for G.711. */
    public int bytesPerSample() {
        return "audio/pcm".equals(type) ? 2 : 1;
    }
}
