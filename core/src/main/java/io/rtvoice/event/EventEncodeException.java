package io.rtvoice.event;

import io.rtvoice.Dialect;

/**
 * An event holds a setting its dialect cannot express (for example {@code temperature} in GA, or an MCP
 * tool in preview). Nothing was sent. The message names the field and the dialect.
 */
public final class EventEncodeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Dialect dialect;
    private final String field;

    /** Creates the exception for {@code field} (a path such as {@code session.temperature}). */
    public EventEncodeException(Dialect dialect, String field, String problem) {
        super(field + ": " + problem + " (dialect " + dialect + ")");
        this.dialect = dialect;
        this.field = field;
    }

    /** The dialect that cannot express the field. */
    public Dialect dialect() {
        return dialect;
    }

    /** The path of the offending field, e.g. {@code session.audio.output.voice}. */
    public String field() {
        return field;
    }
}
