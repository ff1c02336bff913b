package io.rtvoice.audio;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The audio backends on the class path, found with {@link ServiceLoader}: {@code null} and {@code wav}
 * always; {@code javasound} and {@code openal} when their modules are there. Switching backends is
 * one name: {@code AudioBackends.named(System.getProperty("rtvoice.audio", "javasound"))}.
 */
public final class AudioBackends {

    private AudioBackends() {
    }

    /** Every backend found, available or not, highest priority first. */
    public static List<AudioBackend> all() {
        return ServiceLoader.load(AudioBackend.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(AudioBackend::priority).reversed()).toList();
    }

    /** The backends that can run here, highest priority first. */
    public static List<AudioBackend> available() {
        return all().stream().filter(b -> b.unavailableReason().isEmpty()).toList();
    }

    /**
     * The backend called {@code name}.
     *
     * @throws AudioDeviceException ({@code BACKEND_UNAVAILABLE}) when none is called that, or it cannot
     *         run here; the message names the backends that can
     */
    public static AudioBackend named(String name) {
        List<AudioBackend> all = all();
        AudioBackend found = all.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE,
                        "no audio backend '" + name + "' on the class path; " + summary(all)));
        found.unavailableReason().ifPresent(reason -> {
            throw new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE,
                    "audio backend '" + name + "' cannot run here: " + reason + "; " + summary(all));
        });
        return found;
    }

    /**
     * The available backend with real devices of the highest priority (Java Sound, OpenAL, …).
     *
     * @throws AudioDeviceException ({@code BACKEND_UNAVAILABLE}) on a machine with no sound devices; the
     *         message says why each backend cannot run, and that {@code null} and {@code wav} always can
     */
    public static AudioBackend defaultBackend() {
        List<AudioBackend> all = all();
        return all.stream().filter(b -> b.priority() >= 0 && b.unavailableReason().isEmpty()).findFirst()
                .orElseThrow(() -> new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE,
                        "no audio device backend can run here; " + summary(all)));
    }

    private static String summary(List<AudioBackend> all) {
        return all.stream().map(b -> b.name() + b.unavailableReason().map(r -> " (unavailable: " + r + ")").orElse(" (available)"))
                .collect(Collectors.joining(", ", "backends: ", ""));
    }
}
