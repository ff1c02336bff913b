package io.rtvoice.event;

/**
 * Input noise reduction, or {@link #DISABLED} ({@code null} on the wire).
 *
 * @param type {@code near_field} (headset) or {@code far_field} (laptop, room microphone)
 */
public record NoiseReduction(String type) {

    /** Noise reduction off: written as JSON {@code null}, which also clears it in a session update. */
    public static final NoiseReduction DISABLED = new NoiseReduction(null);
    /** For close-talking microphones. */
    public static final NoiseReduction NEAR_FIELD = new NoiseReduction("near_field");
    /** For distant microphones. */
    public static final NoiseReduction FAR_FIELD = new NoiseReduction("far_field");

    /** Whether this is the {@link #DISABLED} sentinel. */
    public boolean disabled() {
        return this == DISABLED;
    }
}
