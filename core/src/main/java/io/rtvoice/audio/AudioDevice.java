package io.rtvoice.audio;

import java.util.List;
import java.util.Objects;

/**
 * An input or output device as a backend lists it.
 *
 * @param name what to pass to {@link AudioSpec#device(String)}
 * @param description a human-readable description, may equal the name
 * @param isDefault whether the backend uses this device when none is named
 * @param formats formats the device takes natively (empty when the backend cannot tell)
 */
public record AudioDevice(String name, String description, boolean isDefault, List<AudioFormat> formats) {
    /** Copies the format list. */
    public AudioDevice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        formats = List.copyOf(formats);
    }
}
