package io.rtvoice.event;

import java.util.Objects;

/**
 * One part of a message item's content, GA names. User and system content: {@code input_text},
 * {@code input_audio}, {@code input_image}; assistant content: {@code output_text}, {@code output_audio};
 * inside {@code response.create.input} also {@code item_reference}. The preview names {@code text} and
 * {@code audio} map to {@code output_text} and {@code output_audio}. One flat record mirrors the wire.
 *
 * @param type the content type
 * @param text text, for text parts
 * @param audio base64 audio, for audio parts (present only where the service includes it)
 * @param transcript transcript of an audio part
 * @param imageUrl image as a data URI, for {@code input_image}
 * @param detail image detail: {@code auto}, {@code low}, {@code high}
 * @param id referenced item id, for {@code item_reference}
 */
public record ContentPart(String type, String text, String audio, String transcript, String imageUrl, String detail, String id) {

    /** User or system text. */
    public static ContentPart inputText(String text) {
        return new ContentPart("input_text", Objects.requireNonNull(text, "text"), null, null, null, null, null);
    }

    /** User audio, base64 in the session's input format. */
    public static ContentPart inputAudio(String base64Audio) {
        return new ContentPart("input_audio", null, Objects.requireNonNull(base64Audio, "base64Audio"), null, null, null, null);
    }

    /**
     * A user image: {@code imageUrl} is a {@code data:} URI (see {@link #inputImage(byte[], String, String)});
     * {@code detail} is {@code auto}, {@code low}, {@code high}, or {@code null} for the service's default.
     */
    public static ContentPart inputImage(String imageUrl, String detail) {
        return new ContentPart("input_image", null, null, null, Objects.requireNonNull(imageUrl, "imageUrl"), detail, null);
    }

    /** A user image from its bytes, sent as a base64 {@code data:} URI of {@code mimeType} (e.g. {@code image/png}). */
    public static ContentPart inputImage(byte[] image, String mimeType, String detail) {
        Objects.requireNonNull(image, "image");
        if (mimeType == null || !mimeType.startsWith("image/")) {
            throw new IllegalArgumentException("mimeType: " + mimeType + " (expected: image/png, image/jpeg, …)");
        }
        return inputImage("data:" + mimeType + ";base64," + java.util.Base64.getEncoder().encodeToString(image), detail);
    }

    /** Assistant text (for seeding a conversation). */
    public static ContentPart outputText(String text) {
        return new ContentPart("output_text", Objects.requireNonNull(text, "text"), null, null, null, null, null);
    }

    /** A reference to an existing item, for {@code response.create.input}. */
    public static ContentPart itemReference(String itemId) {
        return new ContentPart("item_reference", null, null, null, null, null, Objects.requireNonNull(itemId, "itemId"));
    }

    /** Whether this part holds audio ({@code input_audio} or {@code output_audio}). */
    public boolean audioPart() {
        return "input_audio".equals(type) || "output_audio".equals(type);
    }

    @Override
    public String toString() {
        // Audio can be megabytes of base64: show its size, not its content.
        return "ContentPart[type=" + type
                + (text != null ? ", text=" + text : "")
                + (audio != null ? ", audio=<" + audio.length() + " base64 chars>" : "")
                + (transcript != null ? ", transcript=" + transcript : "")
                + (imageUrl != null ? ", imageUrl=<" + imageUrl.length() + " chars>" : "")
                + (detail != null ? ", detail=" + detail : "")
                + (id != null ? ", id=" + id : "") + "]";
    }
}
