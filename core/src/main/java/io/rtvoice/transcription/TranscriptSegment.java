package io.rtvoice.transcription;

/**
 * One segment of an item's transcript, as a diarizing model sends it
 * ({@code conversation.item.input_audio_transcription.segment}, GA).
 *
 * @param id the segment's id
 * @param text what was said in it
 * @param speaker who said it, a label such as {@code spk_1}, or {@code null}
 * @param startSeconds where it starts in the item's audio, in seconds
 * @param endSeconds where it ends in the item's audio, in seconds
 */
public record TranscriptSegment(String id, String text, String speaker, double startSeconds, double endSeconds) {
}
