package io.rtvoice.audio;

/** How one sample of one channel is stored. */
public enum AudioEncoding {
    /** Signed 16-bit integer, little-endian (the Realtime API's {@code pcm16}). */
    PCM16(2),
    /** IEEE 754 32-bit float, little-endian, full scale ±1.0. */
    FLOAT32(4),
    /** ITU-T G.711 μ-law, one byte per sample. */
    MULAW(1),
    /** ITU-T G.711 A-law, one byte per sample. */
    ALAW(1);

    private final int bytesPerSample;

    AudioEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    /** Bytes of one sample of one channel. */
    public int bytesPerSample() {
        return bytesPerSample;
    }

    /** Whether this is one of the G.711 companded encodings, which are defined at 8 kHz only. */
    public boolean isG711() {
        return this == MULAW || this == ALAW;
    }
}
