package io.rtvoice.transport;

/**
 * Makes a {@link Transport}; registered for {@link java.util.ServiceLoader}. The client uses the
 * transport given to its builder, else the one named by the system property {@code rtvoice.transport},
 * else the available provider with the highest priority.
 */
public interface TransportProvider {

    /** A short name, e.g. {@code websocket}. */
    String name();

    /** Higher wins when several are available. */
    default int priority() {
        return 0;
    }

    /** A transport with default settings. */
    Transport create();
}
