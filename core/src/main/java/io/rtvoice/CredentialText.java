package io.rtvoice;

/**
 * Checks a key or token before it goes into a header. A line break in one would end the header and start
 * another (header injection), so control characters are refused; a key read from a file with its
 * trailing newline is refused too, not trimmed: a credential is used exactly as given or not at all.
 * The messages say where the character is, never the credential.
 */
final class CredentialText {

    private CredentialText() {
    }

    /**
     * {@code value} if it is fit for a header.
     *
     * @param what what the value is, for the message ("API key", "bearer token")
     * @throws IllegalArgumentException if it is blank or holds a control character
     */
    static String checked(String what, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " is blank");
        }
        int last = value.length() - 1;
        char end = value.charAt(last);
        if (end == '\n' || end == '\r') {
            throw new IllegalArgumentException("the " + what + " ends with a line break: trim it");
        }
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " : control character U+" + String.format("%04X", (int) c) + " at index " + i
                        + " of " + value.length() + " (expected: none; a line break would inject a header)");
            }
        }
        return value;
    }
}
