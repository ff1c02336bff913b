package io.rtvoice.audio.openal;

import static org.lwjgl.openal.ALC10.ALC_DEFAULT_DEVICE_SPECIFIER;
import static org.lwjgl.openal.ALC10.ALC_DEVICE_SPECIFIER;
import static org.lwjgl.openal.ALC10.alcGetError;
import static org.lwjgl.openal.ALC10.alcGetString;
import static org.lwjgl.openal.ALC11.ALC_CAPTURE_DEFAULT_DEVICE_SPECIFIER;
import static org.lwjgl.openal.ALC11.ALC_CAPTURE_DEVICE_SPECIFIER;
import static org.lwjgl.openal.EnumerateAllExt.ALC_ALL_DEVICES_SPECIFIER;
import static org.lwjgl.openal.EnumerateAllExt.ALC_DEFAULT_ALL_DEVICES_SPECIFIER;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lwjgl.openal.AL;
import org.lwjgl.openal.ALC;
import org.lwjgl.openal.ALCCapabilities;
import org.lwjgl.openal.ALCapabilities;
import org.lwjgl.openal.ALUtil;
import org.lwjgl.openal.EXTThreadLocalContext;

/**
 * The process-wide side of OpenAL: loading the bundled library once, the AL function table, device
 * enumeration, and making a context current on the calling thread only.
 */
final class Al {

    private static volatile boolean loaded;
    private static String loadFailure;
    private static ALCapabilities alCapabilities;
    private static boolean enumerateAll;

    private Al() {
    }

    /** Loads OpenAL on first use; the reason it cannot be loaded, or empty. Never throws. */
    static synchronized Optional<String> load() {
        if (loaded) {
            return Optional.empty();
        }
        if (loadFailure != null) {
            return Optional.of(loadFailure);
        }
        try {
            // LWJGL 3.3.6 creates ALC on the class's first use; an explicit ALC.create() would throw.
            ALCCapabilities caps = ALC.getCapabilities();
            if (!caps.ALC_EXT_thread_local_context) {
                // Without it a context is current process-wide, and two outputs would fight over it.
                loadFailure = "the OpenAL library lacks ALC_EXT_thread_local_context";
                return Optional.of(loadFailure);
            }
            enumerateAll = caps.ALC_ENUMERATE_ALL_EXT;
            loaded = true;
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) { // no native library for this platform, or it failed to load
            loadFailure = "cannot load the OpenAL library: " + e;
            return Optional.of(loadFailure);
        }
    }

    /** Creates the AL function table once, while {@code context} of {@code device} is current on this thread. */
    static synchronized void ensureAlCapabilities(long device) {
        if (alCapabilities == null) {
            alCapabilities = AL.createCapabilities(ALC.createCapabilities(device));
            AL.setCurrentProcess(alCapabilities); // every context shares the one library's entry points
        }
    }

    /** The AL extensions of the library, known after the first context was made. */
    static synchronized ALCapabilities alCapabilities() {
        return alCapabilities;
    }

    /** Makes {@code context} current on this thread only; returns what was current, for {@link #exit}. */
    static long enter(long context) {
        long previous = EXTThreadLocalContext.alcGetThreadContext();
        if (previous != context) {
            EXTThreadLocalContext.alcSetThreadContext(context);
        }
        return previous;
    }

    /** Restores the thread's context that {@link #enter} replaced. */
    static void exit(long context, long previous) {
        if (previous != context) {
            EXTThreadLocalContext.alcSetThreadContext(previous);
        }
    }

    /** Playback device names, the default first. */
    static List<String> outputNames() {
        return names(enumerateAll ? ALC_ALL_DEVICES_SPECIFIER : ALC_DEVICE_SPECIFIER,
                enumerateAll ? ALC_DEFAULT_ALL_DEVICES_SPECIFIER : ALC_DEFAULT_DEVICE_SPECIFIER);
    }

    /** Capture device names, the default first. */
    static List<String> inputNames() {
        return names(ALC_CAPTURE_DEVICE_SPECIFIER, ALC_CAPTURE_DEFAULT_DEVICE_SPECIFIER);
    }

    private static List<String> names(int listSpecifier, int defaultSpecifier) {
        List<String> listed = ALUtil.getStringList(0L, listSpecifier);
        String preferred = alcGetString(0L, defaultSpecifier);
        alcGetError(0L); // a query with no devices may leave an error behind; clear it
        List<String> names = new ArrayList<>();
        if (preferred != null && !preferred.isEmpty()) {
            names.add(preferred);
        }
        if (listed != null) {
            for (String name : listed) {
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The ALC error on {@code device} (0 for none) as text for a message. */
    static String alcError(long device) {
        int code = alcGetError(device);
        return code == 0 ? "no ALC error" : "ALC error 0x" + Integer.toHexString(code);
    }
}
